import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {renderUserData} from '../../src/lib/userdata/render.js'
import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {expectNoSecrets, FAKE_DO_TOKEN, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

const SECRETS = {TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY, DIGITALOCEAN_API_TOKEN: FAKE_DO_TOKEN}

function expectedScript(poolName: string, secrets: 'redact' | 'reveal'): string {
  const {config} = parseConfig(readFileSync(EXAMPLE_CONFIG, 'utf8'), {file: EXAMPLE_CONFIG, env: SECRETS})
  const pool = config?.pools.find((p) => p.name === poolName)
  if (!config || !pool) throw new Error('example config does not parse')
  return renderUserData({pool, brokerAddress: 'broker.example.com:50051', agentVersion: '1.0.0', secrets})
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'velda-cli-'))
}

describe('velda-do render-userdata', () => {
  it('prints the boot script of the pool, secrets redacted', () => {
    const result = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG], {env: SECRETS})
    expect(result.status).toBe(0)
    expect(result.stdout).toBe(expectedScript('amd-mi300x', 'redact'))
    expectNoSecrets(result.stdout + result.stderr)
  })

  it('shows the Tailscale key only with --show-secrets', () => {
    const result = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets'], {env: SECRETS})
    expect(result.status).toBe(0)
    expect(result.stdout).toBe(expectedScript('amd-mi300x', 'reveal'))
    expect(result.stdout).toContain('tskey-auth-')
  })

  it('with --show-secrets and the key variable unset, exits 2 naming the variable', () => {
    const result = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets'])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/TAILSCALE_AUTH_KEY, which is not set/)
    expect(result.stderr).toMatch(/Try this:\n {2}export TAILSCALE_AUTH_KEY=/)
  })

  it('writes to a file with -o, private when it holds secrets', () => {
    const dir = tempDir()
    const file = join(dir, 'boot.sh')
    const result = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets', '-o', file], {env: SECRETS})
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/wrote the boot script of pool amd-mi300x \(\d+ bytes\) to/)
    expect(readFileSync(file, 'utf8')).toBe(expectedScript('amd-mi300x', 'reveal'))
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('prints one JSON document with --json', () => {
    const result = runCli(['render-userdata', 'cpu-small', '-c', EXAMPLE_CONFIG, '--json'], {env: SECRETS})
    expect(result.status).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json).toMatchObject({pool: 'cpu-small', broker: 'broker.example.com:50051', agent_version: '1.0.0', secrets: 'redacted', output: null})
    expect(json.user_data).toBe(expectedScript('cpu-small', 'redact'))
    expect(json.bytes).toBe(Buffer.byteLength(json.user_data))
  })

  it('uses --broker and --agent-version over the config', () => {
    const result = runCli(['render-userdata', 'cpu-small', '-c', EXAMPLE_CONFIG, '--broker', '10.0.0.5:7000', '--agent-version', '2.1.0'])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('  address: 10.0.0.5:7000\n')
    expect(result.stdout).toContain("VELDA_AGENT_URL='https://releases.velda.io/velda-2.1.0-linux-amd64'")
  })

  it.each([
    [['--broker', 'no-port'], /--broker: "no-port" is not a broker address \(HOST:PORT\)/],
    [['--agent-version', '1.0; rm -rf /'], /--agent-version: "1.0; rm -rf \/" is not a release version/],
    [['--no-such-flag'], /Nonexistent flag: --no-such-flag/],
  ])('rejects bad flags %j with exit 2', (flags, message) => {
    const result = runCli(['render-userdata', 'cpu-small', '-c', EXAMPLE_CONFIG, ...flags])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
  })

  it('names the pools there are when the pool does not exist', () => {
    const result = runCli(['render-userdata', 'amd-mi300', '-c', EXAMPLE_CONFIG])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/no DigitalOcean pool "amd-mi300"/)
    expect(result.stderr).toMatch(/did you mean amd-mi300x\?/)
  })

  it('exits 2 with the fix when no broker address is configured anywhere', () => {
    const dir = tempDir()
    const file = join(dir, 'velda.yaml')
    writeFileSync(file, readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/^default_broker_info:\n {2}address: .*\n/m, ''))
    const result = runCli(['render-userdata', 'cpu-small', '-c', file, '--json'])
    expect(result.status).toBe(2)
    const json = JSON.parse(result.stdout)
    expect(json.error.message).toMatch(/no broker address for pool cpu-small/)
    expect(json.error.suggestions).toContain('pass --broker broker.example.com:50051')
  })

  it('exits 2 with the size when the script is over 64 KiB', () => {
    const dir = tempDir()
    const file = join(dir, 'velda.yaml')
    const big = readFileSync(EXAMPLE_CONFIG, 'utf8').replace('max_sessions: 2', `max_sessions: 2\n              agent_name: "${'x'.repeat(70_000)}"`)
    writeFileSync(file, big)
    const result = runCli(['render-userdata', 'cpu-small', '-c', file])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/is 7\d,\d{3} bytes, over DigitalOcean's limit of 65,536 bytes/)
  })
})
