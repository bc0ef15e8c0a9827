import {mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

/** -o/--output as a user types it, through the built binary. */

const CONFIG = veldaYaml([{name: 'amd-mi300x', droplet: MI300X_DROPLET}])
const dir = mkdtempSync(join(tmpdir(), 'velda-output-'))
const configFile = join(dir, 'velda.yaml')
writeFileSync(configFile, CONFIG)
const prefix = parseConfig(CONFIG, {file: 'x', env: {}}).config?.pools[0]?.prefix ?? ''

let sim: SimulatorProcess
beforeAll(async () => {
  sim = await startSimulatorProcess()
  // Droplets as the broker's pool has them: the MI300X size, its ids, addresses and price make the table wide.
  await sim.admin('POST', 'droplets', {count: 3, size: 'gpu-mi300x1-192gb-devcloud', namePrefix: `${prefix}-k3x9`, tags: ['velda', 'velda-pool:amd-mi300x']})
})
afterAll(async () => {
  await sim.stop()
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, TS_KEY: FAKE_TAILSCALE_KEY, TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY})

describe('-o json is --json', () => {
  it.each([
    ['render-userdata', ['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG]],
    ['regions', ['regions']],
    ['pool list', ['pool', 'list', '-c', configFile]],
  ])('%s: the same document, nothing on stderr', (_name, args) => {
    const json = runCli([...args, '--json'], {env: env()})
    expect(json.status, json.stderr).toBe(0)
    for (const spelling of [['-o', 'json'], ['--output=json']]) {
      const result = runCli([...args, ...spelling], {env: env()})
      expect(result.status, result.stderr).toBe(0)
      expect(result.stderr).toBe('')
      // AGE is not in the document: the two runs give the same one.
      expect(JSON.parse(result.stdout)).toEqual(JSON.parse(json.stdout))
    }
  })

  it('render-userdata -o FILE, the old spelling of --output-file, is exit 2 pointing at --output-file, and writes nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'velda-output-file-'))
    const result = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '-o', join(out, 'boot.sh')], {env: env()})
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`-o/--output ${join(out, 'boot.sh')}: not an output format; -o takes json, text or wide`)
    expect(result.stderr).toContain(`--output-file ${join(out, 'boot.sh')} writes to that file`)
    expect(readdirSync(out)).toEqual([])
  })

  it('-o json with --format is refused as --json is: exit 2, the error as JSON', () => {
    const result = runCli(['regions', '-o', 'json', '--format', 'slug'], {env: env()})
    expect(result.status).toBe(2)
    expect(JSON.parse(result.stdout).error).toMatchObject({code: 'usage', message: expect.stringMatching(/--format.*-o json/)})
  })
})
