import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'

import {describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'

import {agentConfigDocument, renderAgentConfig} from '../../src/lib/userdata/agent-config.js'
import {gpuVendor} from '../../src/lib/userdata/gpu.js'
import {assertUserDataSize, renderUserData, USER_DATA_LIMIT_BYTES} from '../../src/lib/userdata/render.js'
import {heredocDelimiter, shellQuote} from '../../src/lib/userdata/shell.js'
import {AGENT_VERSION, BROKER, HOSTILE_TEXT, poolFromYaml, shapePool, SHAPES} from '../support/pools.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

const GOLDEN_DIR = new URL('../golden/userdata/', import.meta.url)

function render(shape: string, secrets: 'redact' | 'reveal' = 'redact'): string {
  return renderUserData({pool: shapePool(shape), brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets})
}

describe('GPU vendor from the size', () => {
  it.each([
    ['gpu-mi300x1-192gb-devcloud', null, 'amd'],
    ['gpu-mi300x8-1536gb-devcloud', null, 'amd'],
    ['gpu-mi325x8-2048gb', null, 'amd'],
    ['gpu-mi350x8-2304gb', null, 'amd'],
    ['gpu-h100x1-80gb', null, 'nvidia'],
    ['gpu-h200x8-1128gb', null, 'nvidia'],
    ['gpu-l40sx1-48gb', null, 'nvidia'],
    ['gpu-4000adax1-20gb', null, 'nvidia'],
    ['gpu-6000adax1-48gb', null, 'nvidia'],
    ['gpu-rtx4000x1-20gb', null, 'nvidia'],
    ['gpu-x9000x1-1tb', null, 'unknown'],
    ['gpu-x9000x1-1tb', 'amd_mi355x', 'amd'],
    ['gpu-x9000x1-1tb', 'nvidia_b300', 'nvidia'],
    ['s-2vcpu-4gb', null, 'none'],
    ['c-2', null, 'none'],
    ['g-2vcpu-8gb', null, 'none'],
  ])('%s (model %s) -> %s', (size, model, expected) => {
    expect(gpuVendor(size, model)).toBe(expected)
  })
})

describe('shell quoting', () => {
  it('keeps any value intact through bash', async () => {
    const {execFileSync} = await import('node:child_process')
    for (const value of [HOSTILE_TEXT, FAKE_TAILSCALE_KEY, "''", '', "a'b'c"]) {
      expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(value)}`], {encoding: 'utf8'})).toBe(value)
    }
  })

  it('picks a heredoc delimiter that no line of the content equals', () => {
    expect(heredocDelimiter('a\nb\n', 'EOF')).toBe('EOF')
    expect(heredocDelimiter('EOF\nEOF_1\n', 'EOF')).toBe('EOF_2')
  })
})

describe('agent.yaml', () => {
  it('is agent_config in lowerCamelCase, in protobuf order, with pool and broker filled in', () => {
    const pool = shapePool('hostile-agent-config')
    const text = renderAgentConfig(pool, BROKER)
    expect(Object.keys(parseYaml(text) as object)).toEqual(['broker', 'session', 'sandboxConfig', 'daemonConfig', 'pool'])
    expect(parseYaml(text)).toEqual({
      broker: {address: BROKER},
      session: HOSTILE_TEXT,
      sandboxConfig: {hostMounts: [{source: "/data/it's", target: '/mnt/`x`', readWrite: true}]},
      daemonConfig: {maxSessions: 3, network: {networkMode: 'NETWORK_MODE_HOST'}},
      pool: 'hostile-agent-config',
    })
  })

  it('lets --broker replace the address but keeps agent_config.broker.public_address', () => {
    const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: x\nagent_config: {broker: {address: "a:1", public_address: "p:2"}}')
    expect(agentConfigDocument(pool, 'flag:3').broker).toEqual({address: 'flag:3', publicAddress: 'p:2'})
  })
})

describe('the boot script', () => {
  it.each(Object.keys(SHAPES))('matches its golden file: %s', (shape) => {
    const script = render(shape)
    const golden = new URL(`${shape}.sh`, GOLDEN_DIR)
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN_DIR, {recursive: true})
      writeFileSync(golden, script)
    }
    expect(script).toBe(readFileSync(golden, 'utf8'))
  })

  it('is deterministic', () => {
    for (const shape of Object.keys(SHAPES)) expect(render(shape, 'reveal')).toBe(render(shape, 'reveal'))
  })

  it('redacts the Tailscale key unless asked to reveal it', () => {
    const shown = render('amd-gpu-tailscale')
    expectNoSecrets(shown)
    expect(shown).toContain("--authkey='<redacted>'")
    expect(render('amd-gpu-tailscale', 'reveal')).toContain(`--authkey=${shellQuote(FAKE_TAILSCALE_KEY)}`)
  })

  it('passes --login-server only when a server is configured', () => {
    expect(render('amd-gpu-tailscale')).toContain("--login-server='https://headscale.example.com'")
    expect(render('nvidia-gpu-tailscale-default-server')).not.toContain('--login-server')
    expect(render('cpu')).not.toContain('tailscale')
  })

  it('runs the GPU step of the vendor only', () => {
    expect(render('amd-gpu-tailscale')).toContain('amd-smi list')
    expect(render('amd-gpu-tailscale')).not.toContain('nvidia')
    expect(render('nvidia-gpu-tailscale-default-server')).toContain('nvidia-collect.sh')
    expect(render('nvidia-gpu-tailscale-default-server')).not.toContain('amd-smi')
    expect(render('cpu')).not.toMatch(/amd-smi|nvidia/)
  })

  it('refuses to reveal a Tailscale key whose variable is not set', () => {
    const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: x\ntailscale_config: {pre_auth_key: "${NOT_SET}"}', {})
    expect(() => renderUserData({pool, brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'})).toThrow(/NOT_SET.*not set/)
  })

  it('stops over 64 KiB, counting bytes of UTF-8, not characters', () => {
    const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: x\nagent_config: {session: "' + 'é'.repeat(33_000) + '"}')
    const script = renderUserData({pool, brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'})
    const bytes = Buffer.byteLength(script, 'utf8')
    expect(script.length).toBeLessThan(USER_DATA_LIMIT_BYTES)
    expect(bytes).toBeGreaterThan(USER_DATA_LIMIT_BYTES)
    expect(() => assertUserDataSize(script, 'big')).toThrow(`is ${bytes.toLocaleString('en-US')} bytes, over DigitalOcean's limit of 65,536 bytes`)
    expect(() => assertUserDataSize(render('cpu'), 'cpu')).not.toThrow()
  })
})
