import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'

const TOKEN = {DIGITALOCEAN_API_TOKEN: 'dop_v1_FAKE_token_for_endpoint_tests'}

/** Every case is refused before a connection is opened: nothing listens on these addresses, and none is tried. */
describe('API endpoint rules in the CLI', () => {
  it('refuses credentials in --api-endpoint with exit 2, never printing the password', async () => {
    const result = await runInProcess(['sizes', '--api-endpoint', 'http://user:secret@127.0.0.1:9/'], {env: TOKEN})
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--api-endpoint: "http:\/\/<credentials>@127\.0\.0\.1:9\/" carries a user name or password/)
    expect(result.stdout + result.stderr).not.toContain('secret')
    expect(result.stderr).not.toMatch(/waiting:/)
  })

  it('refuses credentials or a query string in $DIGITALOCEAN_API_ENDPOINT the same way, also with --json', async () => {
    for (const endpoint of ['http://user:secret@127.0.0.1:9', 'http://127.0.0.1:9/?token=secret']) {
      const result = await runInProcess(['sizes', '--json'], {env: {...TOKEN, DIGITALOCEAN_API_ENDPOINT: endpoint}})
      expect(result.status, endpoint).toBe(2)
      expect(JSON.parse(result.stdout).error.message).toMatch(/^\$DIGITALOCEAN_API_ENDPOINT: /)
      expect(result.stdout + result.stderr).not.toContain('secret')
    }
  })

  it('refuses plain http to another machine before connecting', async () => {
    const result = await runInProcess(['sizes', '--api-endpoint', 'http://0.0.0.0:9'], {env: TOKEN})
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/http:\/\/0\.0\.0\.0:9 is plain http: the API token would cross the network unencrypted/)
    expect(result.stderr).toMatch(/Try this:\n {2}write https:\/\/0\.0\.0\.0:9/)
    expect(result.stderr).not.toMatch(/waiting:/)
  })

  it('refuses a bad endpoint in pool up --dry-run too, which prints URLs', async () => {
    const result = await runInProcess(['pool', 'up', 'cpu-small', '-c', EXAMPLE_CONFIG, '--dry-run', '--api-endpoint', 'https://user:secret@api.digitalocean.com'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--api-endpoint: .* carries a user name or password/)
    expect(result.stdout + result.stderr).not.toContain('secret')
  })
})
