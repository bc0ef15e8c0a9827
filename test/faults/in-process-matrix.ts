import {afterAll, beforeAll, describe, it} from 'vitest'

import {type CellRunner, COMMANDS, FAULTS, MatrixReport, poolPrefix, runCell} from '../support/fault-matrix.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

/**
 * Every fault against one command, in-process: the build's own bundles against the simulator. One test file a
 * command, so that the commands' rows run side by side (vitest runs files in parallel, the cells of a file one
 * after another).
 */
const run: CellRunner = (args, env) => runInProcess(args, {env})

export function describeFaultMatrix(commandName: string): void {
  const command = COMMANDS.find((c) => c.name === commandName)
  if (!command) throw new Error(`no command ${commandName} in the fault matrix`)
  let sim: AdminSimulator
  let prefix: string
  const report = new MatrixReport()

  beforeAll(async () => {
    sim = await startAdminSimulator()
    prefix = await poolPrefix(run)
  })
  afterAll(async () => {
    await sim.close()
    report.print(`Fault matrix: ${command.name} (in-process, the build's bundles against the simulator)`, [command])
  })

  describe(`the fault matrix: ${command.name}`, () => {
    it.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => report.record(fault, command, await runCell(sim, run, prefix, fault, command)))
  })
}
