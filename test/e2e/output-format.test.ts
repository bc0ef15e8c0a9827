import {mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {displayWidth} from '../../src/lib/output/table.js'
import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {runOnPty} from '../support/pty.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'
import {haveTool} from '../support/tools.js'

/** -o/--output as a user types it, through the built binary: the formats, and tables that fit a real terminal. */

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

/** What a terminal shows, without its colours and the carriage returns it adds to each line. */
function shown(screen: string): string[] {
  // eslint-disable-next-line no-control-regex -- removing colour sequences is the point
  return screen.replace(/\x1b\[[0-9;]*m/g, '').replaceAll('\r', '').split('\n')
}

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

describe.runIf(haveTool('script', 'bsdutils', 'a table on a real terminal'))('pool list on a terminal of 80 columns', () => {
  it('one line a droplet, none wider than the terminal, and a note of what was left out; -o wide is the whole table', async () => {
    const terminal = runOnPty(['pool', 'list', '-c', configFile], env(), {stdout: 'terminal', columns: 80})
    expect((await terminal.exited).status).toBe(0)
    const lines = shown(terminal.screen())
    const header = lines.findIndex((line) => line.startsWith('POOL'))
    expect(lines[header]).toMatch(/^POOL +NAME +ID +STATUS +PUBLIC IPV4 +AGE$/)
    const rows = lines.slice(header + 1, header + 4)
    for (const row of rows) expect(row).toMatch(new RegExp(`^amd-mi300x +${prefix}-k3x9-\\d +\\d+ +active +[\\d.]+ +\\d+[smh]$`))
    expect(lines[header + 4]).toBe('')
    for (const line of lines) expect(displayWidth(line), JSON.stringify(line)).toBeLessThanOrEqual(80)
    const note = lines.findIndex((line) => line.startsWith('to fit 80 columns'))
    expect(lines.slice(note, note + 2)).toEqual([
      'to fit 80 columns: left out REGION, SIZE, PRIVATE IPV4, $/HOUR, EXPIRES. -o wide',
      'prints the whole table; --format picks columns',
    ])

    const wide = runOnPty(['pool', 'list', '-c', configFile, '-o', 'wide'], env(), {stdout: 'terminal', columns: 80})
    expect((await wide.exited).status).toBe(0)
    const wideScreen = shown(wide.screen()).join('\n')
    expect(wideScreen).toMatch(/POOL +NAME +ID +STATUS +REGION +SIZE +PUBLIC IPV4 +PRIVATE IPV4 +AGE +\$\/HOUR +EXPIRES/)
    expect(wideScreen).not.toContain('to fit')
  })

  it('piped, the table is whole and nothing is said about it', () => {
    const result = runCli(['pool', 'list', '-c', configFile], {env: env()})
    expect(result.status).toBe(0)
    expect(result.stdout.split('\n')[0]).toMatch(/^POOL +NAME +ID +STATUS +REGION +SIZE +PUBLIC IPV4 +PRIVATE IPV4 +AGE +\$\/HOUR +EXPIRES$/)
    expect(result.stderr).toBe('')
  })
})
