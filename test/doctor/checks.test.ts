import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import type {VeldaConfig} from '../../src/lib/config/types.js'
import {
  accountStatusCheck,
  agentVersionCheck,
  brokerCheck,
  describeEndpoint,
  dropletLimitCheck,
  imageCheck,
  maskEmail,
  sizeCheck,
  sshKeysCheck,
  tailscaleCheck,
  tokenAccepted,
  tokenRefused,
} from '../../src/lib/doctor/checks.js'
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
  it('names the endpoint a token belongs to: AMD, standard, or the URL itself', () => {
    expect(describeEndpoint('https://api-amd.digitalocean.com')).toBe('the AMD endpoint (api-amd.digitalocean.com)')
    expect(describeEndpoint('https://api.digitalocean.com')).toBe('the standard endpoint (api.digitalocean.com)')
    expect(describeEndpoint('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000')
  })

  it('shows enough of the account e-mail to recognise it, not the address', () => {
    expect(maskEmail('operator@example.com')).toBe('op…@example.com')
    expect(maskEmail('a@example.com')).toBe('a…@example.com')
    expect(tokenAccepted('https://api-amd.digitalocean.com', '$DIGITALOCEAN_API_TOKEN', account).check).toEqual({
      id: 'token', ok: true, fix: null,
      message: 'token from $DIGITALOCEAN_API_TOKEN accepted by the AMD endpoint (api-amd.digitalocean.com) (account op…@example.com, status active)',
    })
  })

  it('a refused token names the endpoint that refused it, the other endpoint, and is an API miss (exit 3)', () => {
    const amd = tokenRefused('https://api-amd.digitalocean.com', '$DIGITALOCEAN_API_TOKEN')
    expect(amd.kind).toBe('api')
    expect(amd.check.ok).toBe(false)
    expect(amd.check.message).toMatch(/^the AMD endpoint \(api-amd\.digitalocean\.com\) refused the token from \$DIGITALOCEAN_API_TOKEN \(401\).*belongs to api\.digitalocean\.com/)
    expect(amd.check.fix).toMatch(/AMD endpoint \(api-amd\.digitalocean\.com\) and of the standard one \(api\.digitalocean\.com\) are different/)
    expect(tokenRefused('https://api.digitalocean.com', 'api_token via $DO').check.message).toMatch(/belongs to api-amd\.digitalocean\.com/)
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
    expect(sizeCheck(pool, [size({})]).check.ok).toBe(true)
    const elsewhere = sizeCheck(pool, [size({regions: ['nyc2', 'tor1']})]).check
    expect(elsewhere).toMatchObject({ok: false, message: 'the size gpu-mi300x1-192gb-devcloud is not available in atl1; it is offered in: nyc2, tor1'})
    expect(elsewhere.fix).toBe("set the pool's region to one of: nyc2, tor1")
    expect(sizeCheck(pool, []).check.message).toMatch(/does not exist on this account/)
  })

  it('ssh keys: names the missing ones; a pool without keys passes', () => {
    expect(sshKeysCheck(pool, [{id: 111, name: 'a', fingerprint: ''}, {id: 222, name: 'b', fingerprint: ''}]).check.ok).toBe(true)
    const missing = sshKeysCheck(pool, [{id: 111, name: 'a', fingerprint: ''}]).check
    expect(missing).toMatchObject({ok: false, message: 'ssh key 222 of pool amd is not on the account'})
    expect(missing.fix).toMatch(/doctl compute ssh-key import.*remove it from ssh_key_ids/)
    const noKeys = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu')
    expect(sshKeysCheck(noKeys, null).check).toMatchObject({ok: true, message: 'no ssh_key_ids: droplets get no ssh key'})
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
    expect(brokerCheck(cpu, bareConfig, 'b.example.com:50051').check).toMatchObject({ok: true, message: 'broker address b.example.com:50051 (from --broker)'})
    expect(agentVersionCheck(cpu, bareConfig, undefined).check).toMatchObject({ok: false, fix: expect.stringMatching(/agent_version_override/)})
    const full = config(veldaYaml([{name: 'cpu', droplet: CPU_DROPLET}], {broker: 'broker.example.com:50051'}))
    expect(brokerCheck(full.pools[0]!, full, undefined).check).toMatchObject({ok: true, message: 'broker address broker.example.com:50051 (from default_broker_info)'})
    expect(agentVersionCheck(full.pools[0]!, full, undefined).check).toMatchObject({ok: true, message: 'agent version 1.0.0 (from agent_version_override)'})
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
