import {describe, expect, it} from 'vitest'

import {FETCH_BAD_PORTS} from '../../src/lib/net/bad-ports.js'
import {badPortProblem, exposureWarning, isLoopbackListenAddress} from '../../src/lib/simulator/listen-address.js'
import {runCli} from '../support/cli.js'

describe('where `velda-do simulator` listens', () => {
  it("refuses --port on the Fetch standard's bad ports, which Node's fetch will not dial: exit 2, naming the list", () => {
    // Without the refusal it would start and run until runCli's timeout (and never be reachable).
    const result = runCli(['simulator', '--port', '6000'])
    expect(result.status).toBe(2)
    const outcome = result.stderr.replace(/\s+/g, ' ')
    expect(outcome).toMatch(/--port 6000 is one of the ports Node's fetch refuses to connect to \(the "bad ports" of the Fetch standard, https:\/\/fetch\.spec\.whatwg\.org\/#port-blocking\)/)
    expect(outcome).toMatch(/6665, 6666, 6667, 6668, 6669/)
  })

  it('knows every port of the list, as Node 20 refuses them, and no other', async () => {
    expect(FETCH_BAD_PORTS.size).toBe(82)
    for (const port of [1, 6000, 6566, 6665, 6669, 6697, 10080]) expect(badPortProblem(port)?.message).toContain(`--port ${port} is one of the ports`)
    for (const port of [0, 80, 8080, 6664, 6670, 65_535]) expect(badPortProblem(port)).toBeNull()
    // Node's own fetch is the authority: every port on the list is refused before any connection is tried.
    for (const port of FETCH_BAD_PORTS) await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({cause: {message: 'bad port'}})
  })

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['10.0.0.1', false],
    ['fe80::1', false],
    ['my-laptop.local', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackListenAddress(host)).toBe(loopback)
    expect(exposureWarning(host, false) === null).toBe(loopback)
  })

  it('warns in one line that off loopback the network reaches a well-known admin API, and the token is all that protects it', () => {
    const warning = exposureWarning('0.0.0.0', false) ?? ''
    expect(warning.split('\n')).toHaveLength(1)
    expect(warning).toMatch(/^Warning: --host 0\.0\.0\.0 is not a loopback address: the simulator is reachable from the network, with a well-known admin API under \/__sim\//)
    expect(warning).toMatch(/the random token it prints is then the only protection/)
    expect(exposureWarning('0.0.0.0', true)).toMatch(/--token or --seed made it one that can be known or guessed/)
  })

  it('says so on stderr before it listens (shown here on a run stopped by a bad --fault, so nothing listens off loopback)', () => {
    const fault = ['--fault', '{"action": {"type": "explode"}}']
    const exposed = runCli(['simulator', '--host', '0.0.0.0', ...fault])
    expect(exposed.status).toBe(2)
    expect(exposed.stderr.split('\n').filter((line) => line.includes('is not a loopback address'))).toHaveLength(1)
    expect(exposed.stdout).toBe('')
    const local = runCli(['simulator', '--host', '127.0.0.2', ...fault])
    expect(local.status).toBe(2)
    expect(local.stderr).not.toContain('loopback')
  })
})
