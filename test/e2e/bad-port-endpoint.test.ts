import {describe, expect, it} from 'vitest'

import {runInProcess} from '../support/in-process-cli.js'

describe('an endpoint on a port Node refuses to dial', () => {
  it('fails at once with exit 2, saying Node refuses the port, instead of retrying "bad port" five times', async () => {
    for (const where of [{DIGITALOCEAN_API_ENDPOINT: 'http://127.0.0.1:6000'}, {}]) {
      const args = where.DIGITALOCEAN_API_ENDPOINT ? ['sizes'] : ['sizes', '--api-endpoint', 'http://localhost:10080']
      const result = await runInProcess(args, {env: {DIGITALOCEAN_API_TOKEN: 'dop_v1_' + '0'.repeat(64), ...where}})
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(/is on port (6000|10080), which Node refuses to connect to \(the "bad ports" of the Fetch standard/)
      expect(result.stderr).not.toMatch(/retry|bad port\b/i)
    }
  })
})
