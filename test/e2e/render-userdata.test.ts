import {execFileSync} from 'node:child_process'
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {prologueOf} from '../support/boot-script.js'
import {runInProcess} from '../support/in-process-cli.js'
import {expectNoSecrets, FAKE_DO_TOKEN, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

const SECRETS = {TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY, DIGITALOCEAN_API_TOKEN: FAKE_DO_TOKEN}

/**
 * The scripts of the example config's pools: each its prologue, a golden file written once and read by eye (the
 * fake Tailscale key is full of quotes and `$`, so the revealed one shows its shell quoting), followed by
 * assets/bootstrap.sh byte for byte. The expectation is text, not the renderer under test run a second time. After
 * an intended change of the prologue, `npx vitest run -u` rewrites them; review the diff.
 */
const golden = (name: 'amd-mi300x' | 'amd-mi300x.show-secrets' | 'cpu-small') => `../golden/cli/render-userdata/${name}.prologue.sh`
const expectScript = async (text: string, name: Parameters<typeof golden>[0]) => expect(prologueOf(text)).toMatchFileSnapshot(golden(name))

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'velda-cli-'))
}

describe('velda-do render-userdata', () => {
  it('prints the boot script of the pool, secrets redacted', async () => {
    const result = await runInProcess(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG], {env: SECRETS})
    expect(result.status).toBe(0)
    await expectScript(result.stdout, 'amd-mi300x')
    expectNoSecrets(result.stdout + result.stderr)
  })

  it('shows the Tailscale key only with --show-secrets', async () => {
    const result = await runInProcess(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets'], {env: SECRETS})
    expect(result.status).toBe(0)
    await expectScript(result.stdout, 'amd-mi300x.show-secrets')
    expect(result.stdout).toContain('tskey-auth-')
  })

  it('with --show-secrets and the key variable unset, exits 2 naming the variable', async () => {
    const result = await runInProcess(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets'])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/TAILSCALE_AUTH_KEY, which is not set/)
    expect(result.stderr).toMatch(/Try this:\n {2}export TAILSCALE_AUTH_KEY=/)
  })

  it('writes to a file with --output-file, private when it holds secrets', async () => {
    const dir = tempDir()
    const file = join(dir, 'boot.sh')
    const result = await runInProcess(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets', '--output-file', file], {env: SECRETS})
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/wrote the boot script of pool amd-mi300x \(\d+ bytes\) to/)
    await expectScript(readFileSync(file, 'utf8'), 'amd-mi300x.show-secrets')
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  describe('--show-secrets --output-file FILE', () => {
    // A process of its own: a regression that opened a FIFO would block until a reader came, which only a timeout
    // on a child process can end.
    const showSecrets = (file: string) => runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets', '--output-file', file], {env: SECRETS})

    it('replaces an existing readable file by a new one of mode 0600, leaving no temporary file', async () => {
      const dir = tempDir()
      const file = join(dir, 'boot.sh')
      writeFileSync(file, 'old content\n', {mode: 0o644})
      chmodSync(file, 0o644)
      const result = showSecrets(file)
      expect(result.status).toBe(0)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      await expectScript(readFileSync(file, 'utf8'), 'amd-mi300x.show-secrets')
      expect(readdirSync(dir)).toEqual(['boot.sh'])
    })

    it('replaces a symlink by a regular file instead of writing where it points', async () => {
      const dir = tempDir()
      const elsewhere = join(dir, 'shared.txt')
      writeFileSync(elsewhere, 'not yours\n', {mode: 0o644})
      const link = join(dir, 'boot.sh')
      symlinkSync(elsewhere, link)
      const result = showSecrets(link)
      expect(result.status).toBe(0)
      expect(lstatSync(link).isFile()).toBe(true)
      expect(lstatSync(link).mode & 0o777).toBe(0o600)
      await expectScript(readFileSync(link, 'utf8'), 'amd-mi300x.show-secrets')
      expect(readFileSync(elsewhere, 'utf8')).toBe('not yours\n')
    })

    it.each([
      ['a directory', () => {
        const dir = join(tempDir(), 'out')
        mkdirSync(dir)
        return dir
      }, /is a directory: a file holding secrets is only written as a regular file/],
      ['a device', () => '/dev/null', /\/dev\/null is a device: a file holding secrets is only written as a regular file/],
      ['a FIFO', () => {
        const fifo = join(tempDir(), 'pipe')
        execFileSync('mkfifo', [fifo])
        return fifo
      }, /is a pipe \(FIFO\): a file holding secrets/],
    ])('refuses %s with exit 2, without writing or waiting for a reader', (_kind, target, message) => {
      const result = showSecrets(target())
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).toMatch(/Try this:\n {2}give --output-file the path of a regular file/)
      expectNoSecrets(result.stdout + result.stderr)
    })

    it('says so in the help of --output-file', async () => {
      const help = await runInProcess(['render-userdata', '--help'])
      expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/a symlink is replaced, not followed/)
    })
  })

  it('without --show-secrets writes into an existing file and keeps its mode, as a shell redirection would', async () => {
    const file = join(tempDir(), 'boot.sh')
    writeFileSync(file, 'old content\n')
    chmodSync(file, 0o640)
    const result = await runInProcess(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--output-file', file], {env: SECRETS})
    expect(result.status).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o640)
    await expectScript(readFileSync(file, 'utf8'), 'amd-mi300x')
  })

  it('prints one JSON document with --json', async () => {
    const result = await runInProcess(['render-userdata', 'cpu-small', '-c', EXAMPLE_CONFIG, '--json'], {env: SECRETS})
    expect(result.status).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json).toMatchObject({pool: 'cpu-small', broker: 'broker.example.com:50051', agent_version: 'v1.1.4', secrets: 'redacted', output: null})
    await expectScript(json.user_data, 'cpu-small')
    expect(json.bytes).toBe(Buffer.byteLength(json.user_data))
  })

  it('uses --broker and --agent-version over the config', async () => {
    const result = await runInProcess(['render-userdata', 'cpu-small', '-c', EXAMPLE_CONFIG, '--broker', '10.0.0.5:7000', '--agent-version', '2.1.0'])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('  address: 10.0.0.5:7000\n')
    expect(result.stdout).toContain("VELDA_AGENT_URL='https://releases.velda.io/velda-2.1.0-linux-amd64'")
  })

  it.each([
    [['--broker', 'no-port'], /--broker: "no-port" is not a broker address \(HOST:PORT\)/],
    [['--agent-version', '1.0; rm -rf /'], /--agent-version: "1.0; rm -rf \/" is not a release version/],
    [['--no-such-flag'], /Nonexistent flag: --no-such-flag/],
  ])('rejects bad flags %j with exit 2', async (flags, message) => {
    const result = await runInProcess(['render-userdata', 'cpu-small', '-c', EXAMPLE_CONFIG, ...flags])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
  })

  it('names the pools there are when the pool does not exist', async () => {
    const result = await runInProcess(['render-userdata', 'amd-mi300', '-c', EXAMPLE_CONFIG])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/no DigitalOcean pool "amd-mi300"/)
    expect(result.stderr).toMatch(/did you mean amd-mi300x\?/)
  })

  it('exits 2 with the fix when no broker address is configured anywhere', async () => {
    const dir = tempDir()
    const file = join(dir, 'velda.yaml')
    writeFileSync(file, readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/^default_broker_info:\n {2}address: .*\n/m, ''))
    const result = await runInProcess(['render-userdata', 'cpu-small', '-c', file, '--json'])
    expect(result.status).toBe(2)
    const json = JSON.parse(result.stdout)
    expect(json.error.message).toMatch(/no broker address for pool cpu-small/)
    expect(json.error.suggestions).toContain('pass --broker broker.example.com:50051')
  })

  it('exits 2 with the size when the script is over 64 KiB', async () => {
    const dir = tempDir()
    const file = join(dir, 'velda.yaml')
    const big = readFileSync(EXAMPLE_CONFIG, 'utf8').replace('max_sessions: 2', `max_sessions: 2\n              agent_name: "${'x'.repeat(70_000)}"`)
    writeFileSync(file, big)
    const result = await runInProcess(['render-userdata', 'cpu-small', '-c', file])
    expect(result.status).toBe(2)
    // 70,000 bytes of agent name and the body (larger by the GPU sampler's installer since: 81,622 bytes in all).
    expect(result.stderr).toMatch(/is [78]\d,\d{3} bytes, over DigitalOcean's limit of 65,536 bytes/)
  })

  it('gives the agent default_broker_info\'s public_address too, as the broker does (issue 9, point 6)', async () => {
    const file = join(tempDir(), 'velda.yaml')
    writeFileSync(file, readFileSync(EXAMPLE_CONFIG, 'utf8').replace('  address: "broker.example.com:50051"',
      '  address: "10.0.0.5:50051"\n  public_address: "broker.example.com:443"'))
    for (const pool of ['cpu-small', 'amd-mi300x']) {
      const result = await runInProcess(['render-userdata', pool, '-c', file], {env: SECRETS})
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toContain('broker:\n  address: 10.0.0.5:50051\n  publicAddress: broker.example.com:443\n')
    }
    // --broker replaces the address only.
    const flagged = await runInProcess(['render-userdata', 'amd-mi300x', '-c', file, '--broker', '192.0.2.1:50051'], {env: SECRETS})
    expect(flagged.stdout).toContain('broker:\n  address: 192.0.2.1:50051\n  publicAddress: broker.example.com:443\n')
  })
})
