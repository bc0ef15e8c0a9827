import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG} from '../support/cli.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'

/** An SGR sequence: colour, bold, dim. */
// eslint-disable-next-line no-control-regex -- finding the escape sequences is the point
const SGR = /\x1b\[[0-9;]*m/

/**
 * What the terminal showed, run as a user types it with NO_COLOR set (or not: FORCE_COLOR and NO_COLOR unset). CI is
 * unset too: chalk turns colour off under it, so a CI run would see no bold either way.
 */
async function screenOf(args: string[], noColor: boolean): Promise<{status: number | null; screen: string}> {
  const terminal = runOnPty(args, noColor ? {NO_COLOR: '1'} : {}, {stdout: 'terminal', unset: noColor ? ['FORCE_COLOR', 'CI'] : ['NO_COLOR', 'FORCE_COLOR', 'CI']})
  const {status} = await terminal.exited
  return {status, screen: terminal.screen()}
}

describe.runIf(haveTool('script', 'bsdutils', 'NO_COLOR on a real terminal'))('NO_COLOR on a real terminal: no colour and no bold', () => {
  it('config validate: the report on stdout has bold pool names on a terminal, none with NO_COLOR', async () => {
    const coloured = await screenOf(['config', 'validate', '-c', EXAMPLE_CONFIG], false)
    expect(coloured.status).toBe(0)
    expect(coloured.screen).toContain('\x1b[1m')
    const plain = await screenOf(['config', 'validate', '-c', EXAMPLE_CONFIG], true)
    expect(plain.status).toBe(0)
    expect(plain.screen).toContain('cpu-small')
    expect(plain.screen).not.toMatch(SGR)
  })

  it("an error: `Error:` is red and bold on a terminal, plain with NO_COLOR", async () => {
    const coloured = await screenOf(['render-userdata', 'nope', '-c', EXAMPLE_CONFIG], false)
    expect(coloured.status).toBe(2)
    expect(coloured.screen).toMatch(new RegExp(`${SGR.source}Error:`))
    const plain = await screenOf(['render-userdata', 'nope', '-c', EXAMPLE_CONFIG], true)
    expect(plain.status).toBe(2)
    expect(plain.screen).toContain('Error: ')
    expect(plain.screen).not.toMatch(SGR)
  })
})
