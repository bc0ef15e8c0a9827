import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

/**
 * Every command's --json failure document, per failure class, as a script reads it: the documented keys beside
 * `error` (docs/cli.md, "Errors for scripts"), empty where nothing happened, so `.created[]` is [] and not null
 * exactly when something went wrong. Recorded as a snapshot of keys, exit code and error.code: a key that
 * appears or goes is a change of the contract, made on purpose (`npx vitest run -u`).
 */

const dir = mkdtempSync(join(tmpdir(), 'velda-failure-shapes-'))
const config = join(dir, 'velda.yaml')
writeFileSync(config, veldaYaml([{name: 'cpu', droplet: {...CPU_DROPLET, agent_version_override: '"v1.1.4"'}}]))

let sim: AdminSimulator
beforeAll(async () => {
  sim = await startAdminSimulator()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

/** The commands, as a script types them (`POOL` is the pool of the class: cpu, or one the config lacks). */
const COMMANDS: [string, string[]][] = [
  ['pool up', ['pool', 'up', 'POOL', '-n', '1']],
  ['pool up --dry-run', ['pool', 'up', 'POOL', '-n', '1', '--dry-run']],
  ['pool scale', ['pool', 'scale', 'POOL', '--to', '1', '--yes']],
  ['pool scale --dry-run', ['pool', 'scale', 'POOL', '--to', '1', '--dry-run']],
  ['pool down', ['pool', 'down', 'POOL', '--all', '--yes']],
  ['pool down --dry-run', ['pool', 'down', 'POOL', '--all', '--dry-run']],
  ['pool reap', ['pool', 'reap', 'POOL', '--yes']],
  ['pool list', ['pool', 'list', 'POOL']],
  ['pool status', ['pool', 'status', 'POOL']],
  ['pool top', ['pool', 'top', 'POOL']],
  ['pool logs', ['pool', 'logs', 'POOL', '1']],
  ['pool ssh --all', ['pool', 'ssh', 'POOL', '--all', '--', 'true']],
  ['pool ssh MEMBER', ['pool', 'ssh', 'POOL', '1', '--', 'true']],
  ['sizes', ['sizes']],
  ['regions', ['regions']],
  ['ssh-keys', ['ssh-keys']],
  ['doctor', ['doctor']],
  ['config validate', ['config', 'validate']],
  ['render-userdata', ['render-userdata', 'POOL']],
]

/** How a run fails before it changed anything. */
const CLASSES: [string, {pool: string; extra: string[]; fault: boolean}][] = [
  ['a flag it does not have (the parse fails)', {pool: 'cpu', extra: ['--no-such-flag'], fault: false}],
  ['a pool the config lacks', {pool: 'nope', extra: [], fault: false}],
  ['DigitalOcean refuses everything (403: not retried, nothing changed)', {pool: 'cpu', extra: [], fault: true}],
]

describe('--json on failure: the documented keys beside error, per command and failure class', () => {
  it.each(CLASSES)('%s', async (_name, failure) => {
    if (failure.fault) await sim.admin('POST', 'faults', {count: 0, action: {type: 'status', status: 403, body: {id: 'forbidden', message: 'You are not authorized to perform this operation'}}})
    const shapes: Record<string, {exit: number; code: string | null; keys: string[]}> = {}
    for (const [name, argv] of COMMANDS) {
      // The flags go before `--`: what follows it is the remote command.
      const split = argv.includes('--') ? argv.indexOf('--') : argv.length
      const words = argv.slice(0, split).map((word) => (word === 'POOL' ? failure.pool : word))
      const args = [...words, '-c', config, '--json', ...failure.extra, ...argv.slice(split)]
      const result = await runInProcess(args, {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
      const document = JSON.parse(result.stdout) as Record<string, unknown> & {error?: {code: string}}
      shapes[name] = {exit: result.status ?? -1, code: document.error?.code ?? null, keys: Object.keys(document)}
    }
    expect(shapes).toMatchSnapshot()
  })
})
