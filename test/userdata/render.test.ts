import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'

import {describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'

import {agentConfigDocument, renderAgentConfig} from '../../src/lib/userdata/agent-config.js'
import {gpuVendor} from '../../src/lib/catalog/gpu.js'
import {assertUserDataSize, renderUserData, USER_DATA_LIMIT_BYTES} from '../../src/lib/userdata/render.js'
import {heredocDelimiter, shellQuote} from '../../src/lib/text/shell.js'
import {prologueOf} from '../support/boot-script.js'
import {AGENT_VERSION, BROKER, HOSTILE_TEXT, poolFromYaml, shapePool, SHAPES} from '../support/pools.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

const GOLDEN_DIR = new URL('../golden/userdata/', import.meta.url)

function render(shape: string, secrets: 'redact' | 'reveal' = 'redact'): string {
  return renderUserData({pool: shapePool(shape), brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets})
}

describe('GPU vendor from the size', () => {
  it.each([
    ['gpu-mi300x1-192gb-devcloud', 'amd'],
    ['gpu-mi300x8-1536gb-devcloud', 'amd'],
    ['gpu-mi325x8-2048gb', 'amd'],
    ['gpu-mi350x8-2304gb', 'amd'],
    ['gpu-h100x1-80gb', 'nvidia'],
    ['gpu-h200x8-1128gb', 'nvidia'],
    ['gpu-l40sx1-48gb', 'nvidia'],
    ['gpu-4000adax1-20gb', 'nvidia'],
    ['gpu-6000adax1-48gb', 'nvidia'],
    ['gpu-rtx4000x1-20gb', 'nvidia'],
    ['gpu-x9000x1-1tb', 'unknown'],
    ['s-2vcpu-4gb', 'none'],
    ['c-2', 'none'],
    ['g-2vcpu-8gb', 'none'],
  ])('%s -> %s', (size, expected) => {
    expect(gpuVendor(size)).toBe(expected)
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
  function matchesGolden(text: string, file: string): void {
    const golden = new URL(file, GOLDEN_DIR)
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN_DIR, {recursive: true})
      writeFileSync(golden, text)
    }
    expect(text).toBe(readFileSync(golden, 'utf8'))
  }

  it.each(Object.keys(SHAPES))('is its golden prologue followed by assets/bootstrap.sh: %s', (shape) => {
    matchesGolden(prologueOf(render(shape)), `${shape}.prologue.sh`)
  })

  it('matches the one full golden script (what a reviewer reads whole)', () => {
    matchesGolden(render('amd-gpu-tailscale'), 'full-amd-gpu-tailscale.sh')
  })

  it('is deterministic', () => {
    for (const shape of Object.keys(SHAPES)) expect(render(shape, 'reveal')).toBe(render(shape, 'reveal'))
  })

  it('picks the GPU step from the size', () => {
    expect(render('amd-gpu-tailscale')).toContain("\n  VELDA_GPU_VENDOR='amd' \\\n")
    expect(render('nvidia-gpu-tailscale-default-server')).toContain("\n  VELDA_GPU_VENDOR='nvidia' \\\n")
    expect(render('cpu')).toContain("\n  VELDA_GPU_VENDOR='none' \\\n")
    expect(render('unknown-gpu')).toContain("\n  VELDA_GPU_VENDOR='unknown' \\\n")
  })

  it('redacts the Tailscale key unless asked to reveal it', () => {
    const shown = render('amd-gpu-tailscale')
    expectNoSecrets(shown)
    expect(shown).toContain("\n  VELDA_TAILSCALE_AUTHKEY='<redacted>' \\\n")
    expect(render('amd-gpu-tailscale', 'reveal')).toContain(`\n  VELDA_TAILSCALE_AUTHKEY=${shellQuote(FAKE_TAILSCALE_KEY)} \\\n`)
  })

  it('leaves the Tailscale key empty (no tailnet) and the server empty (the default) when not configured', () => {
    expect(render('amd-gpu-tailscale')).toContain("\n  VELDA_TAILSCALE_SERVER='https://headscale.example.com' \\\n")
    expect(render('nvidia-gpu-tailscale-default-server')).toContain("\n  VELDA_TAILSCALE_SERVER='' \\\n")
    expect(render('cpu')).toContain("\n  VELDA_TAILSCALE_AUTHKEY='' \\\n")
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
