import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import type {VeldaConfig} from '../../src/lib/config/types.js'
import {
  accountStatusCheck,
  agentVersionCheck,
  brokerCheck,
  dropletLimitCheck,
  endpointRedirects,
  imageCheck,
  isPlaceholderHost,
  maskEmail,
  placeholdersCheck,
  sizeCheck,
  sshKeysCheck,
  tailscaleCheck,
  tokenAccepted,
  tokenRefused,
} from '../../src/lib/doctor/checks.js'
import {describeEndpoint} from '../../src/lib/doctor/endpoints.js'
import {RedirectError} from '../../src/lib/do/errors.js'
import type {Image, Size} from '../../src/lib/do/types.js'
import {CPU_DROPLET, veldaYaml, type YamlSettings} from '../support/configs.js'
import {poolFromYaml} from '../support/pools.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY, SECRET_ENV} from '../support/secrets.js'

const pool = poolFromYaml('size: gpu-mi300x1-192gb-devcloud\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [111, 222]', {}, 'amd')
const account = {droplet_limit: 25, status: 'active', status_message: '', email: 'operator@example.com'}
const size = (over: Partial<Size>): Size => ({
  slug: 'gpu-mi300x1-192gb-devcloud', description: '', vcpus: 20, memory_mb: 0, disk_gb: 0, price_hourly: 1.99, price_monthly: 0,
  available: true, regions: ['atl1'], gpu: null, ...over,
})
const image = (over: Partial<Image>): Image => ({id: 201736184, slug: 'amd-rocm71software', name: 'ROCm', regions: ['atl1'], status: 'available', ...over})

function config(text: string, env: Record<string, string> = {}): VeldaConfig {
  const {config: parsed, diagnostics} = parseConfig(text, {file: 'velda.yaml', env})
  if (!parsed) throw new Error(JSON.stringify(diagnostics))
  return parsed
}

/** The pool `cpu` alone: no broker address and no agent version unless a test gives them. */
const bare = (extra: YamlSettings = {}) => veldaYaml([{name: 'cpu', droplet: {...CPU_DROPLET, ...extra}}], {broker: null, pinVersion: false})

describe('doctor checks (pure)', () => {
  it('names the endpoint a token belongs to: the AMD Developer Cloud, standard, the old AMD one, or the URL itself', () => {
    expect(describeEndpoint('https://api.devcloud.amd.com')).toBe('the AMD Developer Cloud (api.devcloud.amd.com)')
    expect(describeEndpoint('https://api.digitalocean.com')).toBe('the standard endpoint (api.digitalocean.com)')
    expect(describeEndpoint('https://api-amd.digitalocean.com')).toBe('the old AMD endpoint (api-amd.digitalocean.com)')
    expect(describeEndpoint('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000')
  })

  it('shows enough of the account e-mail to recognise it, not the address', () => {
    expect(maskEmail('operator@example.com')).toBe('op…@example.com')
    expect(maskEmail('a@example.com')).toBe('a…@example.com')
    expect(tokenAccepted('https://api-amd.digitalocean.com', '$DIGITALOCEAN_API_TOKEN', account).check).toEqual({
      id: 'token', ok: true, fix: null,
      message: 'token from $DIGITALOCEAN_API_TOKEN accepted by the old AMD endpoint (api-amd.digitalocean.com) (account op…@example.com, status active)',
    })
  })

  it('a refused token names the endpoint that refused it, the others it may have been made for, which token each takes, and is an API miss (exit 3)', () => {
    const amd = tokenRefused('https://api.devcloud.amd.com', '$DIGITALOCEAN_API_TOKEN')
    expect(amd.kind).toBe('api')
    expect(amd.check.ok).toBe(false)
    expect(amd.check.message).toMatch(/^the AMD Developer Cloud \(api\.devcloud\.amd\.com\) refused the token from \$DIGITALOCEAN_API_TOKEN \(401\).*or it was made for api\.digitalocean\.com;/)
    expect(amd.check.fix).toBe('each endpoint takes its own tokens (https://api.digitalocean.com takes a DigitalOcean token (dop_v1_...); https://api.devcloud.amd.com takes an AMD Developer Cloud token; https://api-amd.digitalocean.com is reported to redirect to https://api.devcloud.amd.com): create a token for api.devcloud.amd.com in its control panel, or point the pool\'s api_endpoint at the endpoint the token was made for')
    expect(tokenRefused('https://api.digitalocean.com', 'api_token via $DO').check.message).toMatch(/or it was made for api\.devcloud\.amd\.com;/)
    expect(tokenRefused('https://api-amd.digitalocean.com', '$T').check.message).toMatch(/^the old AMD endpoint .*or it was made for api\.digitalocean\.com or api\.devcloud\.amd\.com;/)
    expect(tokenRefused('http://127.0.0.1:4000', '$T').check.message).toMatch(/or it was made for api\.digitalocean\.com or api\.devcloud\.amd\.com;/)
  })

  it('a redirect of GET /v2/account names where to, says it was not followed, and is an API miss with the transport\'s fix', () => {
    const redirect = new RedirectError({method: 'GET', path: '/v2/account', attempts: 1}, 'https://api-amd.digitalocean.com', 'https://api.devcloud.amd.com/v2/account')
    const result = endpointRedirects('https://api-amd.digitalocean.com', '$DIGITALOCEAN_API_TOKEN', redirect)
    expect(result.kind).toBe('api')
    expect(result.check).toEqual({
      id: 'token',
      ok: false,
      message: 'the old AMD endpoint (api-amd.digitalocean.com) answered GET /v2/account with a redirect to https://api.devcloud.amd.com/v2/account, not followed: the token from $DIGITALOCEAN_API_TOKEN was sent to api-amd.digitalocean.com only; the account, size, ssh keys and image were not checked',
      fix: redirect.suggestions.join('; '),
    })
    expect(result.check.fix).toContain('https://api.devcloud.amd.com')
  })

  it('account status: active passes; warning and locked fail with DigitalOcean\'s reason', () => {
    expect(accountStatusCheck(account).check.ok).toBe(true)
    const locked = accountStatusCheck({...account, status: 'locked', status_message: 'Payment overdue'})
    expect(locked).toMatchObject({kind: 'config', check: {ok: false, message: 'account status: locked: Payment overdue (a locked account cannot create droplets)'}})
    expect(locked.check.fix).toMatch(/control panel/)
    expect(accountStatusCheck({...account, status: 'warning'}).check).toMatchObject({ok: false, message: expect.stringMatching(/^account status: warning \(/)})
  })

  it('droplet limit: room for one more passes and says how much; a full account fails with the fix', () => {
    expect(dropletLimitCheck({dropletLimit: 25, droplets: 3}).check).toMatchObject({ok: true, message: 'droplet limit: 3 of 25 used, room for 22'})
    expect(dropletLimitCheck({dropletLimit: 25, droplets: 24}).check.ok).toBe(true)
    const full = dropletLimitCheck({dropletLimit: 25, droplets: 25}).check
    expect(full).toMatchObject({ok: false, message: 'droplet limit: 25 of 25 used, no room for another droplet'})
    expect(full.fix).toMatch(/delete droplets.*raise the limit/)
  })

  it('size: offered in the region passes; elsewhere or unknown fails, with the regions that offer it', () => {
    expect(sizeCheck(pool, [size({})], 'https://api.devcloud.amd.com').check.ok).toBe(true)
    const elsewhere = sizeCheck(pool, [size({regions: ['nyc2', 'tor1']})], 'https://api.devcloud.amd.com').check
    expect(elsewhere).toMatchObject({ok: false, message: 'the size gpu-mi300x1-192gb-devcloud is not available in atl1; it is offered in: nyc2, tor1'})
    expect(elsewhere.fix).toBe("set the pool's region to one of: nyc2, tor1")
  })

  it('size missing from the catalog: the nearest names it offers, the first as the fix; none near: where sizes of each cloud live', () => {
    const onDigitalOcean = sizeCheck(pool, [size({slug: 'gpu-mi300x1-192gb'}), size({slug: 'gpu-mi300x8-1536gb'})], 'https://api.digitalocean.com').check
    expect(onDigitalOcean).toMatchObject({
      ok: false,
      message: 'the size gpu-mi300x1-192gb-devcloud of pool amd is not in the catalog of the standard endpoint (api.digitalocean.com); nearest it offers: gpu-mi300x1-192gb (the same size without -devcloud), gpu-mi300x8-1536gb (8 of the same GPU)',
    })
    expect(onDigitalOcean.fix).toMatch(/^set size: gpu-mi300x1-192gb in pool amd \(velda-do sizes --gpu lists the catalog\), or a size ending in -devcloud is the AMD Developer Cloud's \(https:\/\/api\.devcloud\.amd\.com\)/)
    const none = sizeCheck(pool, [size({slug: 's-1vcpu-1gb'})], 'http://127.0.0.1:4000').check
    expect(none.message).toBe('the size gpu-mi300x1-192gb-devcloud of pool amd is not in the catalog of http://127.0.0.1:4000, nor any size near it')
    expect(none.fix).toMatch(/^pick one it has: velda-do sizes --gpu lists them; .*check the pool's api_endpoint too$/)
  })

  it('ssh keys: names the missing ones; a pool without keys is a miss (pool ssh, status and logs could not reach it)', () => {
    expect(sshKeysCheck(pool, [{id: 111, name: 'a', fingerprint: ''}, {id: 222, name: 'b', fingerprint: ''}]).check.ok).toBe(true)
    const missing = sshKeysCheck(pool, [{id: 111, name: 'a', fingerprint: ''}]).check
    expect(missing).toMatchObject({ok: false, message: 'ssh key 222 of pool amd is not on the account'})
    expect(missing.fix).toMatch(/doctl compute ssh-key import.*remove it from ssh_key_ids/)
    const noKeys = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu')
    expect(sshKeysCheck(noKeys, null).check).toEqual({
      id: 'ssh_keys',
      ok: false,
      message: 'no ssh_key_ids: droplets get no ssh key, so pool ssh, pool status and pool logs cannot reach them',
      fix: "add ssh_key_ids: [ID] to pool cpu (velda-do ssh-keys lists the ids of the account's keys; doctl compute ssh-key import adds one)",
    })
    expect(sshKeysCheck(noKeys, []).check.ok).toBe(false)
  })

  it('image: missing or not available fails; found passes, whatever regions dots reports', () => {
    expect(imageCheck(pool, image({})).check).toMatchObject({ok: true, message: 'image amd-rocm71software exists (amd-rocm71software, id 201736184)'})
    expect(imageCheck(pool, null).check).toMatchObject({ok: false, message: expect.stringMatching(/^image amd-rocm71software does not exist/)})
    expect(imageCheck(pool, image({status: 'deleted'})).check.message).toMatch(/is deleted, not available/)
    expect(imageCheck(pool, image({status: 'retired'})).check.ok).toBe(false)
    // dots drops atl1 from an image's regions: the MI300X image must not look absent from its own region.
    expect(imageCheck(pool, image({regions: []})).check.ok).toBe(true)
  })

  it('broker and agent version: from the config or the flags pool up takes; missing is a miss with the fix', () => {
    const bareConfig = config(bare())
    const cpu = bareConfig.pools[0]!
    expect(brokerCheck(cpu, bareConfig, undefined).check).toMatchObject({ok: false, message: 'no broker address for pool cpu: the agent would not know where to connect'})
    expect(brokerCheck(cpu, bareConfig, undefined).check.fix).toMatch(/--broker .*default_broker_info\.address/)
    expect(brokerCheck(cpu, bareConfig, '10.0.0.5:50051').check).toMatchObject({ok: true, message: 'broker address 10.0.0.5:50051 (from --broker)'})
    expect(agentVersionCheck(cpu, bareConfig, undefined).check).toMatchObject({ok: false, fix: expect.stringMatching(/agent_version_override/)})
    const full = config(veldaYaml([{name: 'cpu', droplet: CPU_DROPLET}], {broker: 'velda-broker.internal:50051'}))
    expect(brokerCheck(full.pools[0]!, full, undefined).check).toMatchObject({ok: true, message: 'broker address velda-broker.internal:50051 (from default_broker_info)'})
    expect(agentVersionCheck(full.pools[0]!, full, undefined).check).toMatchObject({ok: true, message: 'agent version 1.0.0 (from agent_version_override)'})
  })

  it('broker: a name reserved for examples (the starter\'s broker.example.com) is a placeholder, a miss with the fix', () => {
    const starter = config(veldaYaml([{name: 'cpu', droplet: CPU_DROPLET}], {broker: 'broker.example.com:50051'}))
    expect(brokerCheck(starter.pools[0]!, starter, undefined).check).toEqual({
      id: 'broker',
      ok: false,
      message: 'broker address broker.example.com:50051 (from default_broker_info) is a placeholder: broker.example.com is a name reserved for examples, no broker answers there, so agents would never connect',
      fix: 'set default_broker_info.address in velda.yaml to the address agents reach your Velda broker at (host:port), or pass --broker HOST:PORT',
    })
    expect(brokerCheck(starter.pools[0]!, starter, 'example.org:443').check).toMatchObject({ok: false, fix: 'pass --broker with the address agents reach your Velda broker at (host:port)'})
    expect(brokerCheck(starter.pools[0]!, starter, 'broker.corp.internal:50051').check.ok).toBe(true)
  })

  it.each([
    ['example.com', true], ['broker.example.org', true], ['EXAMPLE.NET', true], ['broker.example', true], ['x.invalid', true], ['example.com.', true],
    ['myexample.com', false], ['example.company.io', false], ['broker.internal', false], ['10.0.0.5', false], ['::1', false],
  ])('isPlaceholderHost(%s) is %s', (host, placeholder) => {
    expect(isPlaceholderHost(host)).toBe(placeholder)
  })

  it('placeholders: every value still marked CHANGE that the pool reads, with file:line:col and the fix; none, a pass', () => {
    const marked = config(`default_broker_info:
  address: "b.internal:50051"   # CHANGE: your broker
provisioners:
  - digitalocean_auto:
      region: atl1
      agentVersionOverride: "1.0.0"   # CHANGE: the release
      pool_details:
        - {pool_name: one, size: s-1vcpu-1gb, image: ubuntu-24-04-x64}
        - pool_name: two
          size: s-1vcpu-1gb   # CHANGE to a GPU size
          image: ubuntu-24-04-x64
agent_pools:
  - name: three
    auto_scaler:
      backend:
        digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64, agent_version_override: "2.0.0"}
`)
    const [three, one, two] = marked.pools
    expect(placeholdersCheck(one!, marked).check).toEqual({
      id: 'placeholders',
      ok: false,
      message: '2 values still marked CHANGE: default_broker_info.address "b.internal:50051" (velda.yaml:2:12), provisioners[0].digitalocean_auto.agent_version_override "1.0.0" (velda.yaml:6:29)',
      fix: 'set each to your own value, then delete the "# CHANGE" comment on their lines in velda.yaml',
    })
    expect(placeholdersCheck(two!, marked).check.message).toMatch(/^3 values still marked CHANGE: .*pool_details\[1\]\.size "s-1vcpu-1gb" \(velda\.yaml:10:17\)$/)
    expect(placeholdersCheck(three!, marked).check).toMatchObject({ok: false, message: '1 value still marked CHANGE: default_broker_info.address "b.internal:50051" (velda.yaml:2:12)', fix: 'set it to your own value, then delete the "# CHANGE" comment on its line in velda.yaml'})
    expect(placeholdersCheck(three!, config(bare())).check).toEqual({id: 'placeholders', ok: true, message: 'no value marked CHANGE', fix: null})
  })

  it('Tailscale key: optional, but when configured its variable must be set; the key never appears', () => {
    expect(tailscaleCheck(config(bare()).pools[0]!).check.ok).toBe(true)
    const yaml = bare({tailscale_config: '{pre_auth_key: "${TS_KEY}"}'})
    const unset = tailscaleCheck(config(yaml).pools[0]!).check
    expect(unset).toMatchObject({ok: false, message: expect.stringMatching(/needs TS_KEY, which is not set$/), fix: 'export TS_KEY=tskey-auth-... before pool up'})
    const present = tailscaleCheck(config(yaml, SECRET_ENV).pools[0]!).check
    expect(present).toMatchObject({ok: true, message: 'Tailscale key present (from $TS_KEY)'})
    expect(JSON.stringify(present)).not.toContain(FAKE_TAILSCALE_KEY)
    expectNoSecrets(JSON.stringify(present))
  })
})
