import {afterEach, describe, expect, it, vi} from 'vitest'

import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {simAdminFetch} from '../support/sim-admin.js'

let sim: Simulator | undefined
afterEach(async () => {
  vi.restoreAllMocks()
  await sim?.close()
  sim = undefined
})

const api = (path: string) => fetch(`${sim?.url}${path}`, {headers: {authorization: `Bearer ${sim?.token}`}})

describe('a request the simulator fails to answer', () => {
  it('is answered 500 in DigitalOcean\'s error shape and said in one line, and the simulator serves the next request', async () => {
    const lines: string[] = []
    sim = await startSimulator({onError: (line) => lines.push(line)})
    // Accepted when added (its status is fine), but no HTTP answer can carry a header holding a newline: Node
    // throws while answering. Before, that was an unhandled rejection that ended the simulator (and its hosts).
    const added = await simAdminFetch(sim, 'POST', 'faults', {path: '/v2/sizes', action: {type: 'status', status: 503, headers: {'x-broken': 'a\nb'}}})
    expect(added.status).toBe(200)

    const failed = await api('/v2/sizes')
    expect(failed.status).toBe(500)
    expect(await failed.json()).toEqual({id: 'server_error', message: expect.stringMatching(/^Server Error: the simulator failed to answer this request \(TypeError: Invalid character in header content/)})
    expect(lines).toEqual([expect.stringMatching(/^velda-do simulator: GET \/v2\/sizes failed and was answered 500 \(a bug in the simulator, or a fault that broke the answer\); it serves on: TypeError: Invalid character in header content/)])

    const next = await api('/v2/sizes')
    expect(next.status).toBe(200)
    expect(sim.requests().map((r) => [r.path, r.status])).toEqual([['/v2/sizes', 500], ['/v2/sizes', 200]])
  })

  it('on the admin API is answered 500 in its {"error"} shape; the line names no token', async () => {
    const lines: string[] = []
    sim = await startSimulator({onError: (line) => lines.push(line)})
    const {token} = sim
    vi.spyOn(sim.core, 'handle').mockImplementationOnce(() => {
      throw new RangeError(`Invalid array length (${token})`)
    })
    const failed = await simAdminFetch(sim, 'GET', `state?token=${token}`)
    expect([failed.status, await failed.json()]).toEqual([500, {error: 'Server Error: the simulator failed to answer this request (RangeError: Invalid array length (<redacted>))'}])
    expect(lines).toEqual([`velda-do simulator: GET /__sim/state?token=<redacted> failed and was answered 500 (a bug in the simulator, or a fault that broke the answer); it serves on: RangeError: Invalid array length (<redacted>)`])
    expect((await simAdminFetch(sim, 'GET', 'state')).status).toBe(200)
  })
})
