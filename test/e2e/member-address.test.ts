import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {GPU_POOL_CONFIG} from '../support/hosts.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {runInProcess} from '../support/in-process-cli.js'
import {haveTool} from '../support/tools.js'

/**
 * A compromised account or a hostile endpoint answers a member's address with an ssh option or a name of its
 * choosing. That member is never dialled and shows why (`bad-address`); the others are probed as usual.
 */
describe.runIf(haveTool('ssh', 'openssh-client', 'pool status dials the good member with ssh'))('a member address that is not an IP address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'velda-address-'))
  const configFile = join(dir, 'velda.yaml')
  writeFileSync(configFile, GPU_POOL_CONFIG)
  const pwned = join(dir, 'pwned')
  const hostile = `-oProxyCommand=touch ${pwned}`
  const prefix = parseConfig(GPU_POOL_CONFIG, {file: 'x', env: {}}).config?.pools[0]?.prefix
  let sim: AdminSimulator
  // The good member's sshd: a loopback port that hangs up at once, so its probe fails fast and locally.
  let hangUp: Server
  let port = 0

  beforeAll(async () => {
    hangUp = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve))
    port = (hangUp.address() as {port: number}).port
    sim = await startAdminSimulator({addresses: (n) => ({publicIpv4: n === 1 ? hostile : '127.0.0.1', privateIpv4: '127.0.0.2'})})
    await sim.admin('POST', 'droplets', {count: 2, namePrefix: `${prefix}-`, tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1'})
  })
  afterAll(async () => {
    await sim?.close()
    hangUp?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: join(dir, 'state')})
  const velda = (args: string[]) => runInProcess([...args, '-c', configFile, '--ssh-port', String(port)], {env: env()})

  it('pool status: that member is bad-address, never dialled; the other is probed; exit 4', async () => {
    const result = await velda(['pool', 'status', 'gpu', '--json'])
    expect(result.status, result.stderr).toBe(4)
    const members = (JSON.parse(result.stdout) as {members: {name: string; address: string; state: string; detail: string}[]}).members
    expect(members[0]).toMatchObject({address: hostile, state: 'bad-address', detail: expect.stringMatching(/its public address "-oProxyCommand=touch .*" from the API is not an IP address, so it is not dialled/)})
    expect(members[1]?.address).toBe('127.0.0.1')
    expect(['bad-address', 'no-address', 'not-probed']).not.toContain(members[1]?.state)
    expect(existsSync(pwned)).toBe(false)
    const table = await velda(['pool', 'status', 'gpu'])
    expect(table.stdout).toMatch(/ -oProxyCommand=touch \S+ +bad-address /)
  })

  it('pool logs of that member: exit 3, error.state bad-address, ssh never run', async () => {
    const result = await velda(['pool', 'logs', 'gpu', '1', '--json'])
    expect(result.status).toBe(3)
    expect(JSON.parse(result.stdout).error).toMatchObject({code: 'bad_address', state: 'bad-address', message: expect.stringMatching(/is not an IP address/)})
    expect(existsSync(pwned)).toBe(false)
  })
})
