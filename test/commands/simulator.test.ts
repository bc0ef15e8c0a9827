import {describe, expect, it} from 'vitest'

import Simulator from '../../src/commands/simulator.js'
import {fakeFactory, runCommand} from '../support/command.js'

describe('simulator (the command, with a fake IO and signals)', () => {
  it('prints the endpoint and token as export lines, serves until SIGTERM, then exits 143', async () => {
    const factory = fakeFactory()
    // Once the export lines are out, the API answers with the token printed, and the test stops it.
    const answered = factory.io.out.until(/export DIGITALOCEAN_API_ENDPOINT=(\S+)\nexport DIGITALOCEAN_API_TOKEN=(\S+)\n/).then(async ([, endpoint, token]) => {
      const response = await fetch(`${endpoint}/v2/regions`, {headers: {authorization: `Bearer ${token}`}})
      factory.signals.emit('SIGTERM')
      return response.status
    })
    const run = await runCommand(Simulator, ['--quiet'], factory)
    expect(await answered).toBe(200)
    expect(run.status).toBe(143)
    expect(run.stdout).toMatch(/^DigitalOcean API simulator listening on http:\/\/127\.0\.0\.1:\d+/)
  })

  it('a --fault that is not JSON is exit 2 before anything listens', async () => {
    const run = await runCommand(Simulator, ['--fault', '{oops'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--fault: not JSON')
  })
})
