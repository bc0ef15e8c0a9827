import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG, PROJECT_ROOT, runCli} from '../support/cli.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

/**
 * Scripts depend on every flag and JSON key (docs/cli.md): both are snapshotted, so changing the contract is a
 * deliberate diff of test/cli/__snapshots__/ (update with `npx vitest run -u` after an intended change).
 */

/** The JSON's shape: keys kept, values replaced by their type; a list by the shape of its first element. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])]
  if (value === null) return 'null'
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shape(v)]))
  return typeof value
}

describe('the flag set of every command', () => {
  it('is unchanged', () => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, {args: Record<string, {required?: boolean}>; flags: Record<string, {type: string; char?: string; default?: unknown; multiple?: boolean; required?: boolean; hidden?: boolean}>}>
    }
    const flags = Object.fromEntries(
      Object.entries(manifest.commands)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, command]) => [
          id,
          {
            args: Object.entries(command.args).map(([name, arg]) => `${name}${arg.required ? '' : '?'}`),
            flags: Object.fromEntries(
              Object.entries(command.flags)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, flag]) => [name, [flag.type, flag.char ? `-${flag.char}` : '', flag.multiple ? 'multiple' : '', flag.default === undefined ? '' : `default ${JSON.stringify(flag.default)}`, flag.hidden ? 'hidden' : ''].filter(Boolean).join(' ')]),
            ),
          },
        ]),
    )
    expect(flags).toMatchSnapshot()
  })
})

describe('the --json shape of every command', () => {
  let sim: SimulatorProcess
  beforeAll(async () => {
    sim = await startSimulatorProcess(['--active-after', '0s'])
  })
  afterAll(async () => {
    await sim.stop()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY})
  const json = (args: string[], expectedStatus = 0) => {
    const result = runCli([...args, '--json'], {env: env()})
    expect(result.status, result.stderr).toBe(expectedStatus)
    return shape(JSON.parse(result.stdout))
  }

  it('is unchanged', () => {
    const shapes = {
      'config validate': json(['config', 'validate', '-c', EXAMPLE_CONFIG]),
      'render-userdata': json(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG]),
      sizes: json(['sizes']),
      regions: json(['regions']),
      'ssh-keys': json(['ssh-keys', '-c', EXAMPLE_CONFIG]),
      'pool up': json(['pool', 'up', 'amd-mi300x', '-n', '2', '--wait', '--poll-interval', '1s', '-c', EXAMPLE_CONFIG]),
      'pool up --dry-run': json(['pool', 'up', 'amd-mi300x', '--dry-run', '-c', EXAMPLE_CONFIG]),
      'pool list': json(['pool', 'list', '--all', '-c', EXAMPLE_CONFIG]),
      'pool down': json(['pool', 'down', 'amd-mi300x', '-n', '1', '--yes', '-c', EXAMPLE_CONFIG]),
      'pool down --dry-run': json(['pool', 'down', 'amd-mi300x', '--all', '--dry-run', '-c', EXAMPLE_CONFIG]),
      'an error': json(['pool', 'up', 'amd-mi300x', '-n', '11', '-c', EXAMPLE_CONFIG], 2),
      'an invalid config': json(['config', 'validate', '-c', join(PROJECT_ROOT, 'package.json')], 2),
    }
    expect(shapes).toMatchSnapshot()
  })
})
