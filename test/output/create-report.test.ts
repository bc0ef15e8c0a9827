import {execFileSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {GuardError, InterruptedError, PartialError, WaitFailedError, WaitTimeoutError} from '../../src/lib/base/errors.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import type {MemberStatus} from '../../src/lib/pool/pool-status.js'
import {afterCreateProgress, type FailedCreate, leftRunning, leftRunningLine} from '../../src/lib/output/create-report.js'

function droplet(id: number, status: PoolDroplet['status'] = 'new'): PoolDroplet {
  return {id, name: `velda-x-${id}`, pool: 'cpu', status, region: 'nyc3', size: 's-1vcpu-1gb', image: 'i', public_ipv4: null, private_ipv4: null, public_ipv6: null, created_at: '2026-12-04T12:00:00Z', tags: [], price_hourly: 0.00893, expires_at: null}
}

function agent(id: number, state: MemberStatus['state']): MemberStatus {
  return {id, name: `velda-x-${id}`, status: 'active', address: '203.0.113.1', state, detail: '', boot: null, gpu: null, agent: null, last_line: null}
}

const stopped = (created: PoolDroplet[], extra: Partial<FailedCreate> = {}): FailedCreate => ({pool: 'cpu', created, error: new InterruptedError('stopped'), ...extra})

describe('what a failed create leaves running', () => {
  it.each([
    ['new droplets in a pool that had some: --id for each', stopped([droplet(1001), droplet(1002)]), {own: 3, minAgents: 0}, 0.00893, '2 droplets are running ($0.0179/h): velda-do pool down cpu --id 1001 --id 1002'],
    ['the whole pool: --all', stopped([droplet(1001), droplet(1002)]), {own: 0, minAgents: 0}, 0.00893, '2 droplets are running ($0.0179/h): velda-do pool down cpu --all'],
    ['one droplet, said in the singular', stopped([droplet(7)]), {own: 0, minAgents: 0}, 1.99, '1 droplet is running ($1.99/h): velda-do pool down cpu --all'],
    ['below min_agents once deleted: --ignore-limits', stopped([droplet(1001)]), {own: 1, minAgents: 2}, 1.99, '1 droplet is running ($1.99/h): velda-do pool down cpu --id 1001 --ignore-limits'],
    ['a size without a price', stopped([droplet(1001)]), {own: 1, minAgents: 0}, null, '1 droplet is running (price unknown): velda-do pool down cpu --id 1001'],
    ['droplets deleted meanwhile are not counted', stopped([droplet(1), droplet(2), droplet(3)], {gone: [{id: 2}]}), {own: 4, minAgents: 0}, 1.99, '2 droplets are running ($3.98/h): velda-do pool down cpu --id 1 --id 3'],
    ["a pool name the shell would split, quoted", stopped([droplet(5)], {pool: "team's gpu"}), {own: 0, minAgents: 0}, 1.99, "1 droplet is running ($1.99/h): velda-do pool down 'team'\\''s gpu' --all"],
  ] as const)('%s', (_name, run, before, price, line) => {
    const running = leftRunning(run, before, price)
    expect(running && leftRunningLine(running)).toBe(line)
  })

  it('nothing created, or all of it deleted meanwhile: nothing to say', () => {
    expect(leftRunning(stopped([]), {own: 0, minAgents: 0}, 1)).toBeNull()
    expect(leftRunning(stopped([droplet(1)], {gone: [{id: 1}]}), {own: 0, minAgents: 0}, 1)).toBeNull()
  })

  it('the command is one the shell reads back into the words it was made of', () => {
    const running = leftRunning(stopped([droplet(5)], {pool: "it's $HOME `id`"}), {own: 2, minAgents: 0}, 1)
    const words = execFileSync('bash', ['-c', `printf '%s\\n' ${running?.command}`], {encoding: 'utf8'}).trimEnd().split('\n')
    expect(words).toEqual(['velda-do', 'pool', 'down', "it's $HOME `id`", '--id', '5'])
  })
})

describe("the spinner's last line after the creates", () => {
  const three = [droplet(1, 'active'), droplet(2, 'active'), droplet(3, 'new')]
  it.each([
    ['agents that did not start', {agents: [agent(1, 'healthy'), agent(2, 'boot-failed'), agent(3, 'boot-failed')], error: new PartialError('x')}, 'created 3 droplets; 2 of 3 agents did not start'],
    ['members whose GPUs are missing or failing (their agents run)', {agents: [agent(1, 'healthy'), agent(2, 'gpu-missing'), agent(3, 'gpu-errors')], error: new PartialError('x')}, 'created 3 droplets; 2 of 3 members not healthy (GPUs)'],
    ['agents still booting when the time ran out', {agents: [agent(1, 'healthy'), agent(2, 'booting'), agent(3, 'booting')], error: new WaitTimeoutError('x')}, 'created 3 droplets; 1 of 3 agents running when the time ran out'],
    ['droplets not active when the time ran out', {error: new WaitTimeoutError('x')}, 'created 3 droplets; 2 of 3 active when the time ran out'],
    ['a wait that could not check', {error: new WaitFailedError('x')}, 'created 3 droplets; could not check them'],
    ['droplets deleted while waiting', {gone: [{id: 3}], error: new PartialError('x')}, 'created 3 droplets; 1 deleted by someone else'],
    ['droplets not assigned to the project', {project: {project: {name: 'ml'}, failed: [{id: 7, name: 'velda-x', error: 'refused'}]}, error: new PartialError('x')}, 'created 3 droplets; 1 not in project ml'],
  ] as const)('%s', (_name, extra, line) => {
    expect(afterCreateProgress({pool: 'cpu', created: three, ...extra}, 3)).toBe(line)
  })

  it('creates that fell short leave the line to the caller ("created 2 of 3 droplets")', () => {
    expect(afterCreateProgress({pool: 'cpu', created: three.slice(0, 2), error: new GuardError('x')}, 3)).toBeNull()
  })
})
