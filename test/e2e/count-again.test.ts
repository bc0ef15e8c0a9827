import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

// Exit 3 promises "nothing was changed". After pool up (or pool scale) created droplets it counts the pool again
// against max_agents; when that listing fails, the droplets still exist and bill: the run must list them and end
// with exit 4, never 3 (after which a script would create again).

const configFile = join(mkdtempSync(join(tmpdir(), 'velda-count-again-')), 'velda.yaml')
writeFileSync(configFile, veldaYaml([{name: 'cpu', droplet: CPU_DROPLET, scaler: {max_agents: 10}}]))

let sim: AdminSimulator
beforeAll(async () => {
  sim = await startAdminSimulator({activeAfterMs: null})
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
  // The guards' listing and the account's two counts are the first three GETs of /v2/droplets; the fourth, the count
  // again after the creates, and every one after it answer 503.
  await sim.admin('POST', 'faults', {method: 'GET', path: '/v2/droplets', nth: 4, count: 0, action: {type: 'status', status: 503}})
})

const velda = (args: string[]) => runInProcess([...args, '-c', configFile, '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, VELDA_DO_REQUEST_TIMEOUT: '3s'}})

describe('the count after creating fails', () => {
  it.each([
    ['pool up', ['pool', 'up', 'cpu', '-n', '2']],
    ['pool scale', ['pool', 'scale', 'cpu', '--to', '2']],
  ])('%s: exit 4, the droplets created listed, the reason and the pool list to run', async (_name, args) => {
    const run = await velda(args)
    expect(run.status, run.stderr).toBe(4)
    const output = JSON.parse(run.stdout) as {created: {name: string}[]; error: {code: string; message: string; suggestions: string[]}}
    const existing = ((await sim.admin('GET', 'state')).droplets as {name: string}[]).map((d) => d.name).sort()
    expect(existing).toHaveLength(2)
    expect(output.created.map((d) => d.name).sort()).toEqual(existing)
    expect(output.error.code).toBe('partial')
    expect(output.error.message).toMatch(/^created 2 droplets, but pool cpu could not be counted again to check its max_agents of 10: /)
    expect(output.error.suggestions[0]).toMatch(/^velda-do pool list cpu( -c \S+)? shows them, and whether the pool is over 10$/)
    // And what they bill, with the command that deletes them.
    expect(run.stderr).toMatch(/2 droplets are running \(\$[\d.]+\/h\): velda-do pool down cpu --all/)
  })
})
