import {afterAll, beforeAll, describe, it} from 'vitest'

import {COMMANDS, FAULTS, MatrixReport, poolPrefix, runCell} from '../support/fault-matrix.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'
import {installedCli, runInstalledAsync} from './installed-cli.js'

/**
 * The fault matrix's rows that lean on the process and the network stack the most (a connection dropped, an answer
 * later than the timeout), for every command, through the installed package (`npm pack`, then
 * `npm install` of the tarball) against `velda-do simulator`. Every other cell runs in-process, in test/faults/.
 */
const ROWS = new Set(['dropped connection', 'slow past the timeout'])
const faults = FAULTS.filter((f) => ROWS.has(f.name))

let bin: string
let prefix: string
const report = new MatrixReport()

/**
 * Cells run side by side, each with a simulator of its own (faults and the request log are per simulator): they
 * spend their time waiting on the CLI and on the waits they check, not on a CPU. As many as vitest runs concurrent
 * tests at once (maxConcurrency in vitest.config.ts): a cell then never waits for a simulator, which it would do on
 * its own test's time (on a busy machine, more than the limit).
 */
const SIDE_BY_SIDE = 4
const idle: SimulatorProcess[] = []
const waiting: ((sim: SimulatorProcess) => void)[] = []
const simulators: SimulatorProcess[] = []

async function withSimulator<T>(use: (sim: SimulatorProcess) => Promise<T>): Promise<T> {
  const sim = idle.pop() ?? (await new Promise<SimulatorProcess>((resolve) => waiting.push(resolve)))
  try {
    return await use(sim)
  } finally {
    const next = waiting.shift()
    if (next) next(sim)
    else idle.push(sim)
  }
}

const run = (args: string[], env: Record<string, string>) => runInstalledAsync(bin, args, env)

beforeAll(async () => {
  bin = (await installedCli()).bin
  simulators.push(...(await Promise.all(Array.from({length: SIDE_BY_SIDE}, () => startSimulatorProcess(['--active-after', '0s'], bin)))))
  idle.push(...simulators)
  prefix = await poolPrefix(run)
}, 240_000)

afterAll(async () => {
  await Promise.all(simulators.map((sim) => sim.stop()))
  report.print('Fault matrix, the rows run through the installed package against velda-do simulator', COMMANDS, faults)
})

describe('the fault matrix, through the installed package', () => {
  const cells = faults.flatMap((fault) => COMMANDS.map((command) => ({fault, command})))
  it.concurrent.each(cells.map((c) => [c.fault.name, c.command.name, c] as const))('%s x %s', (_f, _c, {fault, command}) =>
    withSimulator(async (sim) => report.record(fault, command, await runCell(sim, run, prefix, fault, command))),
  )
})
