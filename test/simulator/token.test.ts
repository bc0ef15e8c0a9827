import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'

import {describe, expect, it} from 'vitest'

import {startSimulator} from '../../src/lib/simulator/server.js'
import {BIN, cleanEnv} from '../support/cli.js'
import {startSimulatorProcess} from '../support/simulator-process.js'

const TOKEN_SHAPE = /^dop_v1_[0-9a-f]{64}$/

async function tokenOf(args: string[]): Promise<string> {
  const sim = await startSimulatorProcess(args)
  await sim.stop()
  return sim.token
}

describe("the simulator's token", () => {
  it('is random for each run, in-process and from `velda-do simulator`: no token is shared by every machine', async () => {
    const [a, b] = await Promise.all([startSimulator(), startSimulator()])
    await Promise.all([a.close(), b.close()])
    expect(a.token).toMatch(TOKEN_SHAPE)
    expect(b.token).toMatch(TOKEN_SHAPE)
    expect(a.token).not.toBe(b.token)
    const [first, second] = await Promise.all([tokenOf([]), tokenOf([])])
    expect(first).toMatch(TOKEN_SHAPE)
    expect(first).not.toBe(second)
  })

  it('is fixed by --seed (with the ids) or given by --token, for tests and demos that want the same run twice', async () => {
    const [a, b] = await Promise.all([startSimulator({seed: 7}), startSimulator({seed: 7})])
    await Promise.all([a.close(), b.close()])
    expect(a.token).toBe(b.token)
    const [first, second, given] = await Promise.all([tokenOf(['--seed', '7']), tokenOf(['--seed', '7']), tokenOf(['--token', 'dop_v1_mine'])])
    expect(first).toMatch(TOKEN_SHAPE)
    expect(first).toBe(second)
    expect(given).toBe('dop_v1_mine')
  })

  it('is printed once, in the export line, and never in the lines of the requests it serves', async () => {
    const child = spawn(process.execPath, [BIN, 'simulator'], {env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const lines = createInterface({input: child.stderr})
    const served = new Promise<void>((resolve) => {
      let count = 0
      lines.on('line', (line) => {
        stderr += `${line}\n`
        if (/ -> \d+$/.test(line) && ++count === 2) resolve()
      })
    })
    const url = await new Promise<string>((resolve) => {
      const check = () => /export DIGITALOCEAN_API_ENDPOINT=(\S+)/.exec(stdout)?.[1]
      child.stdout.on('data', () => {
        const found = check()
        if (found && /export DIGITALOCEAN_API_TOKEN=\S+\n/.test(stdout)) resolve(found)
      })
    })
    const token = /export DIGITALOCEAN_API_TOKEN=(\S+)/.exec(stdout)?.[1] ?? ''
    expect(token).toMatch(TOKEN_SHAPE)
    await fetch(`${url}/v2/sizes/${token}`, {headers: {authorization: `Bearer ${token}`}})
    await fetch(`${url}/v2/sizes?token=${token}`, {headers: {authorization: `Bearer ${token}`}})
    await served
    const exited = new Promise((resolve) => child.once('close', resolve))
    child.kill('SIGINT')
    await exited
    expect(stderr).toContain('GET /v2/sizes/<redacted> -> 404')
    expect(stderr).toContain('GET /v2/sizes?token=<redacted> -> 200')
    expect((stdout + stderr).split(token).length - 1).toBe(1)
    expect(stdout).toContain(`export DIGITALOCEAN_API_TOKEN=${token}\n`)
  })
})
