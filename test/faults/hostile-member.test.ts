import {afterAll, beforeAll, describe, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {MEMBER_COMMANDS, MEMBER_FAULTS, MemberMatrixReport, runMemberCell} from '../support/member-fault-matrix.js'

/**
 * The fault matrix's hostile-member rows: every kind of hostile answer over SSH against every command that reads
 * one, through the built binary (a process of its own: the trickle rows stop it with SIGTERM) and OpenSSH against
 * the simulator's hosts. The table is printed at the end of the run.
 */
const canHost = canRunHosts('the hostile-member rows of the fault matrix')

describe.runIf(canHost)('the fault matrix: a hostile member', () => {
  const {configFile, key, state} = sshWorkspace('velda-hostile-')
  const report = new MemberMatrixReport()
  let sim: Simulator

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {seed: 19, bootMs: 0})
  })
  afterAll(async () => {
    await sim?.close()
    report.print('Fault matrix: a hostile member (the built binary, OpenSSH to the simulated hosts)')
  })

  const cells = MEMBER_FAULTS.flatMap((fault) => MEMBER_COMMANDS.map((command) => [fault.name, command, fault] as const))
  it.each(cells)('%s x %s', async (_name, command, fault) => {
    report.record(fault, command, await runMemberCell({sim, key, configFile, state}, fault, command))
  })
})
