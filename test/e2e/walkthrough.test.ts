import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

// @ts-expect-error: a plain .mjs script of the repository, without types
import {exportLines, walkthroughSteps} from '../../scripts/walkthrough.mjs'
import {PROJECT_ROOT} from '../support/cli.js'
import {canRunHosts} from '../support/hosts.js'
import {haveTool} from '../support/tools.js'

type Step = {kind: 'command'; line: string; exitCode: number} | {kind: 'simulator'; script: string}
const steps = walkthroughSteps as (readme: string) => Step[]

describe('how the README marks its walk-through', () => {
  const readme = (body: string) => `# tool\n\n## Install\n\n\`\`\`sh\nnpm ci\n\`\`\`\n\n${body}\n## Reference\n\n\`\`\`sh\nnot-run\n\`\`\`\n`

  it.each([
    ['a terminal block runs line by line; comments and blank lines are not commands', '## Quick start\n\n```sh\n# a comment\nvelda-do config init   # writes it\n\nvelda-do config validate\n```\n\n```sh simulator\nvelda-do simulator\n```\n', [
      {kind: 'command', line: 'velda-do config init   # writes it', exitCode: 0},
      {kind: 'command', line: 'velda-do config validate', exitCode: 0},
      {kind: 'simulator', script: 'velda-do simulator'},
    ]],
    ['the exit code a comment promises is the one expected', '## Walk-through: x\n\n```sh simulator\nvelda-do simulator\n```\n\n```sh\nvelda-do pool up p -n 9 --dry-run   # exit 2: over max_agents\n```\n', [
      {kind: 'simulator', script: 'velda-do simulator'},
      {kind: 'command', line: 'velda-do pool up p -n 9 --dry-run   # exit 2: over max_agents', exitCode: 2},
    ]],
    ['a line ending in a backslash goes on; output blocks and other sections are not run', '## Walk-through\n\n```sh simulator\nvelda-do simulator \\\n  --ssh-hosts\n```\n\n```text\n$ not a command\n```\n\n```sh\nvelda-do pool list \\\n  --all\n```\n', [
      {kind: 'simulator', script: 'velda-do simulator \\\n  --ssh-hosts'},
      {kind: 'command', line: 'velda-do pool list    --all', exitCode: 0},
    ]],
  ])('%s', (_title, body, expected) => {
    expect(steps(readme(body))).toEqual(expected)
  })

  it.each([
    ['no quick start or walk-through', '## Usage\n\n```sh\nvelda-do\n```\n', /no "## Quick start" or "## Walk-through" section/],
    ['a walk-through without a simulator', '## Walk-through\n\n```sh\nvelda-do sizes\n```\n', /starts no simulator/],
    ['a block never closed', '## Walk-through\n\n```sh simulator\nvelda-do simulator\n', /never closed/],
    ['a block of an unknown kind', '## Walk-through\n\n```sh terminal-3\nvelda-do sizes\n```\n', /neither a terminal's/],
  ])('refuses %s, so the test cannot pass on a README it does not understand', (_title, body, message) => {
    expect(() => steps(readme(body))).toThrow(message)
  })

  it('pastes only the export lines the simulator printed', () => {
    const printed = 'DigitalOcean API simulator listening on http://127.0.0.1:4\nexport DIGITALOCEAN_API_ENDPOINT=http://127.0.0.1:4\nexport DIGITALOCEAN_API_TOKEN=dop_v1_x\n# export NOT_THIS=1\nexport bad name=1\n'
    expect(exportLines(printed)).toEqual(['export DIGITALOCEAN_API_ENDPOINT=http://127.0.0.1:4', 'export DIGITALOCEAN_API_TOKEN=dop_v1_x'])
  })

  it("the README's own walk-through has the commands a newcomer types, in order", () => {
    const lines = steps(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')).map((step) => (step.kind === 'command' ? step.line : `[simulator] ${step.script}`))
    const order = ['velda-do config init', '[simulator] velda-do simulator', 'velda-do pool up amd-mi300x --count 2 --wait', '[simulator] velda-do simulator --ssh-hosts', 'velda-do pool status amd-mi300x']
    const at = order.map((start) => lines.findIndex((line) => line.startsWith(start)))
    expect(at.every((index) => index >= 0), lines.join('\n')).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
  })
})

// The quick start and the walk-through, every command as the README writes it, from a fresh home directory with
// no ssh key and no $USER (scripts/demo.mjs). Two simulators, two pool ups that wait for agents over ssh, a dozen
// more processes: about 40 s alone, far more on two busy cores. Its own limit is the test's.
const WALKTHROUGH_LIMIT_MS = 400_000
const canRun = canRunHosts("the README's walk-through (its second half asks the droplets over ssh)") && haveTool('curl', 'curl', "the README's walk-through") && haveTool('jq', 'jq', "the README's quick start") && haveTool('shellcheck', 'shellcheck', "the README's quick start")

describe.runIf(canRun)('the README walk-through (npm run demo), run as written', () => {
  let result: SpawnSyncReturns<string>
  beforeAll(() => {
    result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'demo.mjs')], {cwd: PROJECT_ROOT, encoding: 'utf8', timeout: WALKTHROUGH_LIMIT_MS})
  }, WALKTHROUGH_LIMIT_MS)

  it('runs to its end, every command with the exit code the README gives it', () => {
    expect(result.status, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/# the walk-through ran to its end\n$/)
  })

  it('creates and lists the pool, and the dry run over max_agents is refused', () => {
    expect(result.stdout).toMatch(/\$ velda-do pool up amd-mi300x --count 2 --wait /)
    expect(result.stdout.match(/^amd-mi300x +velda-[0-9a-f]{8}-[a-z0-9]{5} .* active +atl1 /gm)?.length).toBeGreaterThanOrEqual(2)
    expect(result.stdout).toMatch(/amd-mi300x: 2 droplets \(2 active\); min 0, max 4; \$3\.98\/h/)
    expect(result.stderr).toMatch(/max_agents/)
  })

  it('ends its day on the question that matters: both agents healthy, then the bad release found', () => {
    expect(result.stdout).toContain('2 of 2 members healthy (agent active)')
    expect(result.stdout).toMatch(/the boot failed in step agent; its log ends:/)
  })

  it('never shows the token', () => {
    expect(result.stdout + result.stderr).not.toMatch(/dop_v1_[0-9a-f]{8}/)
  })
})
