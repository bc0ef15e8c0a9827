import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {BIN, cleanEnv, EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {haveTool} from '../support/tools.js'

/** The pools of examples/velda.yaml, in file order. */
const EXAMPLE_POOLS = ['cpu-small', 'amd-mi300x', 'amd-mi300x-8']

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'velda-complete-'))
}

/**
 * `velda-do __complete -- WORDS`, run in an empty directory unless told otherwise; in-process, since it runs some
 * sixty times here (the shells below start the real process, and so does the module test).
 */
async function completeWords(words: string[], options: {env?: Record<string, string>; cwd?: string} = {}) {
  const result = await runInProcess(['__complete', '--', ...words], {env: options.env, cwd: options.cwd ?? tempDir()})
  const lines = result.stdout.split('\n').filter(Boolean)
  return {
    ...result,
    values: lines.filter((l) => !l.startsWith(':')).map((l) => l.split('\t')[0] ?? ''),
    directive: lines.at(-1),
  }
}

describe('velda-do __complete', () => {
  it('offers the commands and topics, not the hidden ones, with their summaries', async () => {
    const result = await completeWords([''])
    expect(result.status).toBe(0)
    expect(result.values).toEqual(expect.arrayContaining(['completion', 'config', 'pool', 'regions', 'render-userdata', 'simulator', 'sizes', 'ssh-keys']))
    expect(result.values).not.toContain('__complete')
    expect(result.stdout).toMatch(/^pool\tCreate, list and remove the droplets of a pool$/m)
    expect(result.directive).toBe(':none')
    expect((await completeWords(['re'])).values).toEqual(['regions', 'render-userdata'])
  })

  it('offers the commands of a topic, separated by a space as typed', async () => {
    expect((await completeWords(['pool', ''])).values.sort()).toEqual(['down', 'list', 'logs', 'reap', 'scale', 'ssh', 'status', 'top', 'up'])
    expect((await completeWords(['pool', 'd'])).values).toEqual(['down'])
    expect((await completeWords(['config', ''])).values.sort()).toEqual(['init', 'validate'])
    expect((await completeWords(['nonsense', ''])).values).toEqual([])
  })

  it('offers the flags of the command, long and short, except those already given', async () => {
    const long = await completeWords(['pool', 'up', 'amd-mi300x', '--'])
    expect(long.values).toEqual(expect.arrayContaining(['--count', '--wait', '--wait-timeout', '--dry-run', '--config', '--json', '--help']))
    expect(long.values.every((v) => v.startsWith('--'))).toBe(true)
    expect((await completeWords(['pool', 'down', 'x', '-'])).values).toEqual(expect.arrayContaining(['-n', '-y', '-c', '--all', '--name', '--id']))
    expect((await completeWords(['pool', 'up', 'x', '--wait', '--w'])).values).toEqual(['--wait-timeout', '--wait-for'])
    expect((await completeWords(['render-userdata', '--show'])).values).toEqual(['--show-secrets'])
  })

  it('asks the shell for file names after -c and --output-file, and offers nothing after a flag that takes a number', async () => {
    for (const words of [['pool', 'up', '-c', ''], ['pool', 'list', '--config', 'exa'], ['render-userdata', 'x', '--output-file', '']]) {
      const result = await completeWords(words)
      expect(result.values, words.join(' ')).toEqual([])
      expect(result.directive, words.join(' ')).toBe(':files')
    }
    const count = await completeWords(['pool', 'up', 'x', '-n', ''])
    expect([count.values, count.directive]).toEqual([[], ':none'])
  })

  it('offers the values of an argument with fixed options', async () => {
    expect((await completeWords(['completion', ''])).values).toEqual(['bash', 'zsh', 'fish'])
    expect((await completeWords(['completion', 'f'])).values).toEqual(['fish'])
  })

  it('offers the pool names of the config given with -c or --config, for every command whose argument is a pool', async () => {
    for (const command of [['pool', 'up'], ['pool', 'down'], ['pool', 'list'], ['render-userdata']]) {
      expect((await completeWords([...command, '-c', EXAMPLE_CONFIG, ''])).values, command.join(' ')).toEqual(EXAMPLE_POOLS)
    }
    expect((await completeWords(['pool', 'up', `--config=${EXAMPLE_CONFIG}`, 'amd'])).values).toEqual(['amd-mi300x', 'amd-mi300x-8'])
    expect((await completeWords(['pool', 'down', `-c${EXAMPLE_CONFIG}`, '-n', '2', 'cpu'])).values).toEqual(['cpu-small'])
    // The argument is already there: the next word is not a pool.
    expect((await completeWords(['pool', 'up', 'amd-mi300x', '-c', EXAMPLE_CONFIG, ''])).values).toEqual([])
  })

  it('finds the config as every command does: -c first, then $VELDA_DO_CONFIG, then ./velda-do.yaml and ./velda.yaml', async () => {
    const other = join(tempDir(), 'other.yaml')
    writeFileSync(other, 'agent_pools:\n  - name: only-pool\n    auto_scaler:\n      backend:\n        digitalocean_droplet:\n          region: atl1\n          size: s-1vcpu-1gb\n          image: ubuntu-24-04-x64\n')
    expect((await completeWords(['config', 'validate', '-c', other, ''])).values).toEqual([])
    expect((await completeWords(['pool', 'up', '-c', other, ''])).values).toEqual(['only-pool'])
    expect((await completeWords(['pool', 'up', ''], {env: {VELDA_DO_CONFIG: EXAMPLE_CONFIG}})).values).toEqual(EXAMPLE_POOLS)
    expect((await completeWords(['pool', 'up', '-c', other, ''], {env: {VELDA_DO_CONFIG: EXAMPLE_CONFIG}})).values).toEqual(['only-pool'])
    const dir = tempDir()
    copyFileSync(EXAMPLE_CONFIG, join(dir, 'velda.yaml'))
    expect((await completeWords(['pool', 'list', ''], {cwd: dir})).values).toEqual(EXAMPLE_POOLS)
    copyFileSync(other, join(dir, 'velda-do.yaml'))
    expect((await completeWords(['pool', 'list', ''], {cwd: dir})).values).toEqual(['only-pool'])
  })

  it('offers no pool and prints nothing on stderr when the config is missing, broken or not a file', async () => {
    const dir = tempDir()
    const broken = join(dir, 'broken.yaml')
    writeFileSync(broken, 'pools: [\n  {name: a\n')
    const unknownKey = join(dir, 'unknown.yaml')
    writeFileSync(unknownKey, 'poolz: []\n')
    mkdirSync(join(dir, 'a-directory'))
    for (const config of [broken, unknownKey, join(dir, 'a-directory'), join(dir, 'missing.yaml'), '/dev/zero']) {
      const result = await completeWords(['pool', 'up', '-c', config, ''])
      expect({status: result.status, stdout: result.stdout, stderr: result.stderr}, config).toEqual({status: 0, stdout: ':none\n', stderr: ''})
    }
    const none = await completeWords(['pool', 'up', ''], {cwd: dir})
    expect({status: none.status, stdout: none.stdout, stderr: none.stderr}).toEqual({status: 0, stdout: ':none\n', stderr: ''})
    const viaEnv = await completeWords(['render-userdata', ''], {env: {VELDA_DO_CONFIG: broken}})
    expect({status: viaEnv.status, stdout: viaEnv.stdout, stderr: viaEnv.stderr}).toEqual({status: 0, stdout: ':none\n', stderr: ''})
  })

  it('takes a typed --help or --version as words to complete, not as a request for help', async () => {
    const result = await completeWords(['pool', 'up', '--help', '--'])
    expect(result.status).toBe(0)
    expect(result.values).toContain('--count')
    expect(result.values).not.toContain('--help')
    expect(result.stdout).not.toMatch(/USAGE/)
  })

  it('loads neither the DigitalOcean client nor any other command', () => {
    const result = runCli(['__complete', '--', 'pool', 'up', '-c', EXAMPLE_CONFIG, ''], {recordModules: true})
    expect(result.stdout.split('\n')).toEqual(expect.arrayContaining(EXAMPLE_POOLS))
    expect(result.modules.filter((m) => /@digitalocean\/dots|@microsoft\/kiota/.test(m))).toEqual([])
    expect(result.modules.filter((m) => m.includes('/dist/commands/')).map((m) => m.replace(/.*\/dist\/commands\//, ''))).toEqual(['__complete.js'])
  })

  it('is not listed in the help', async () => {
    expect((await runInProcess(['--help'])).stdout).not.toContain('__complete')
  })
})

describe('velda-do completion', () => {
  it('prints a script for each shell that calls velda-do __complete', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await runInProcess(['completion', shell])
      expect(result.status, shell).toBe(0)
      expect(result.stdout, shell).toContain('velda-do __complete -- ')
      expect(result.stderr, shell).toBe('')
    }
  })

  it('refuses an unknown shell with exit 2, naming the shells it knows', async () => {
    const result = await runInProcess(['completion', 'powershell'])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/bash, zsh, fish/)
  })

  it('says in --help how to install it', async () => {
    const result = await runInProcess(['completion', '--help'])
    expect(result.stdout).toContain("echo 'source <(velda-do completion bash)' >> ~/.bashrc")
    expect(result.stdout).toContain('velda-do completion fish > ~/.config/fish/completions/velda-do.fish')
  })
})

/** A directory for PATH where `velda-do` is this build, as after `npm link`. */
function binDir(): string {
  const dir = tempDir()
  symlinkSync(BIN, join(dir, 'velda-do'))
  return dir
}

function runShell(program: string, args: string[], options: {env?: Record<string, string>; cwd?: string} = {}) {
  const path = [binDir(), dirname(process.execPath), process.env.PATH].join(':')
  const result = spawnSync(program, args, {cwd: options.cwd ?? tempDir(), env: cleanEnv({...options.env, PATH: path}), encoding: 'utf8', input: '', timeout: 30_000})
  return {status: result.status, lines: result.stdout.split('\n').filter(Boolean), stderr: result.stderr}
}

/**
 * The script each shell loads: \`velda-do completion SHELL\`, run once per shell and kept in a file. Every TAB below
 * still runs the real \`velda-do __complete\`; printing the script again for each one would only add a node start
 * (the most expensive thing these tests do). The line a user puts in .bashrc, \`source <(velda-do completion bash)\`,
 * has a test of its own.
 */
const scripts = new Map<string, string>()
function completionScript(shell: 'bash' | 'zsh' | 'fish'): string {
  let path = scripts.get(shell)
  if (path === undefined) {
    path = join(tempDir(), `velda-do.${shell}`)
    const printed = runShell('sh', ['-c', 'velda-do completion "$1" > "$2"', 'sh', shell, path])
    expect(printed, `velda-do completion ${shell}`).toEqual({status: 0, lines: [], stderr: ''})
    scripts.set(shell, path)
  }
  return path
}

/** Loads the script (its path is $SCRIPT), then does what bash does on TAB: sets COMP_* and calls the function. */
const BASH_TAB = `
source "$SCRIPT" || exit 1
spec=$(complete -p velda-do) || exit 1
fn=\${spec#*-F }; fn=\${fn%% *}
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
"$fn" velda-do "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"
`

describe('in bash', () => {
  const tab = (words: string[], options: {env?: Record<string, string>; cwd?: string} = {}) =>
    runShell('bash', ['--norc', '--noprofile', '-c', BASH_TAB, 'bash', 'velda-do', ...words], {...options, env: {...options.env, SCRIPT: completionScript('bash')}})

  it('the line for .bashrc, source <(velda-do completion bash), installs the completion', () => {
    const installed = runShell('bash', ['--norc', '--noprofile', '-c', 'source <(velda-do completion bash) && complete -p velda-do'])
    expect(installed.status, installed.stderr).toBe(0)
    expect(installed.lines).toEqual([expect.stringMatching(/^complete -F \S+ .*velda-do$/)])
  })

  it('TAB after "pool up" offers the pool names of the config', () => {
    const withFlag = tab(['pool', 'up', '-c', EXAMPLE_CONFIG, ''])
    expect(withFlag).toEqual({status: 0, lines: EXAMPLE_POOLS, stderr: ''})
    expect(tab(['pool', 'down', 'amd'], {env: {VELDA_DO_CONFIG: EXAMPLE_CONFIG}}).lines).toEqual(['amd-mi300x', 'amd-mi300x-8'])
  })

  it('TAB completes commands and flags without their descriptions', () => {
    expect(tab(['po']).lines).toEqual(['pool'])
    expect(tab(['pool', 'up', 'x', '--dry']).lines).toEqual(['--dry-run'])
  })

  it('TAB after -c offers file names', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'velda-prod.yaml'), '')
    writeFileSync(join(dir, 'other.txt'), '')
    expect(tab(['pool', 'up', '-c', 'velda-'], {cwd: dir}).lines).toEqual(['velda-prod.yaml'])
    // bash splits "--config=velda-" at the '=' into three words.
    expect(tab(['pool', 'up', '--config', '=', 'velda-'], {cwd: dir}).lines).toEqual(['velda-prod.yaml'])
    expect(tab(['pool', 'up', '--config', '='], {cwd: dir}).lines.sort()).toEqual(['other.txt', 'velda-prod.yaml'])
  })

  it('TAB after --config=PATH, as bash splits it, offers the pool names of that config', () => {
    expect(tab(['pool', 'list', '--config', '=', EXAMPLE_CONFIG, 'cpu']).lines).toEqual(['cpu-small'])
  })

  it('a broken config offers nothing and prints nothing', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'velda.yaml'), 'pools: [\n')
    expect(tab(['pool', 'up', ''], {cwd: dir})).toEqual({status: 0, lines: [], stderr: ''})
  })
})

/**
 * zsh completes only inside its line editor; the test stands in for the two completion functions the script
 * calls (_describe prints what it would offer, _files says it was asked) and for compdef, which records the name.
 */
const ZSH_TAB = `
compdef() { registered=$1; }
_describe() { local name=\${@[-1]}; print -rl -- "\${(@P)name}"; }
_files() { print -r -- FILES; }
source "$SCRIPT" || exit 1
words=("$@"); CURRENT=$#
$registered
`

describe.runIf(haveTool('zsh', 'zsh', 'completion in zsh'))('in zsh', () => {
  const tab = (words: string[]) => runShell('zsh', ['-f', '-c', ZSH_TAB, 'zsh', 'velda-do', ...words], {env: {SCRIPT: completionScript('zsh')}})

  it('TAB after "pool up" offers the pool names; commands come with their description', () => {
    expect(tab(['pool', 'up', '-c', EXAMPLE_CONFIG, ''])).toEqual({status: 0, lines: EXAMPLE_POOLS, stderr: ''})
    const topic = tab(['pool', '']).lines
    expect(topic.map((line) => line.split(':')[0]).sort()).toEqual(['down', 'list', 'logs', 'reap', 'scale', 'ssh', 'status', 'top', 'up'])
    expect(topic).toContain('list:List the droplets of a pool, or of every configured pool.')
    expect(tab(['pool', 'up', '-c', '']).lines).toEqual(['FILES'])
  })
})

describe.runIf(haveTool('fish', 'fish', 'completion in fish'))('in fish', () => {
  const tab = (line: string) => runShell('fish', ['--no-config', '-c', 'source $SCRIPT; complete -C "$LINE"'], {env: {LINE: line, SCRIPT: completionScript('fish')}})

  it('TAB after "pool up" offers the pool names; flags come with their description', () => {
    // fish sorts what it offers.
    const pools = tab(`velda-do pool up -c ${EXAMPLE_CONFIG} `)
    expect({...pools, lines: pools.lines.sort()}).toEqual({status: 0, lines: [...EXAMPLE_POOLS].sort(), stderr: ''})
    expect(tab('velda-do pool up x --dry')).toEqual({status: 0, lines: [expect.stringMatching(/^--dry-run\t/)], stderr: ''})
  })
})
