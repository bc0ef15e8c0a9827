// `npm run demo`: the README's walk-through, run as written, unattended (scripts/walkthrough.mjs says how the
// README marks it). It runs from a fresh home directory with no ssh key, no $USER and `velda-do` on PATH (this
// clone's bin/run.js), as a newcomer who just installed the package. Every command is printed before it runs; the
// first that ends with another exit code than the README says stops the demo, with that command named.
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {exportLines, walkthroughSteps} from './walkthrough.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const steps = walkthroughSteps(readFileSync(join(root, 'README.md'), 'utf8'))

const work = mkdtempSync(join(tmpdir(), 'velda-walkthrough-'))
const home = join(work, 'home')
const bin = join(work, 'bin')
mkdirSync(home)
mkdirSync(bin)
// What `npm install -g` or `npm link` puts on PATH.
writeFileSync(join(bin, 'velda-do'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'bin', 'run.js'))} "$@"\n`)
chmodSync(join(bin, 'velda-do'), 0o755)
const env = {PATH: `${bin}:${process.env.PATH}`, HOME: home, LANG: 'C.UTF-8', TMPDIR: tmpdir()}

// The operator's terminal: one bash for the whole walk-through. It reads the path of each command's file from fd 3
// (its stdin is /dev/null, so no command can eat the commands after it), runs it, and reports its exit code and
// the directory it is in after a line no command prints.
const MARK = `@@walkthrough-${process.pid}@@`
const terminal = spawn('bash', ['--norc', '--noprofile', '-c', `while IFS= read -r file <&3; do source "$file" 3<&-; printf '\\n${MARK} %s %s\\n' "$?" "$PWD"; done`], {
  cwd: home,
  env,
  stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
})
let buffered = ''
let waiting = null
terminal.stdout.setEncoding('utf8')
terminal.stdout.on('data', (chunk) => {
  buffered += chunk
  const at = buffered.indexOf(`\n${MARK} `)
  const lineEnd = at === -1 ? -1 : buffered.indexOf('\n', at + 1)
  if (lineEnd === -1) {
    // Print what is certainly output (not the start of the mark), keep the rest.
    const keep = Math.max(0, buffered.length - MARK.length - 2)
    process.stdout.write(buffered.slice(0, keep))
    buffered = buffered.slice(keep)
    return
  }
  process.stdout.write(buffered.slice(0, at + 1))
  const [code, ...dir] = buffered.slice(at + MARK.length + 2, lineEnd).split(' ')
  buffered = buffered.slice(lineEnd + 1)
  waiting?.({code: Number(code), cwd: dir.join(' ')})
})
const terminalGone = new Promise((resolve) => terminal.once('exit', (code) => resolve(code)))

let count = 0
/** Runs one line in the operator's terminal: its exit code and the directory the terminal is then in. */
async function type(line) {
  const file = join(work, `command-${++count}.sh`)
  writeFileSync(file, `${line}\n`)
  const done = new Promise((resolve) => (waiting = resolve))
  terminal.stdio[3].write(`${file}\n`)
  const outcome = await Promise.race([done, terminalGone.then((code) => ({code: code ?? 1, cwd: '', gone: true}))])
  waiting = null
  return outcome
}

let simulator = null
let simulatorLog = ''
async function stopSimulator() {
  if (!simulator) return
  simulatorLog = simulator.log()
  const exited = new Promise((resolve) => simulator.process.once('exit', resolve))
  process.kill(-simulator.process.pid, 'SIGINT')
  await exited
  simulator = null
}

/** Starts the simulator's block in the second terminal, in `cwd`; resolves to what it printed when it listened. */
function startSimulator(script, cwd) {
  const child = spawn('bash', ['--norc', '--noprofile', '-c', script], {cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
  let log = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk) => (log = (log + chunk).slice(-20_000)))
  simulator = {process: child, log: () => log}
  return new Promise((resolve, reject) => {
    let printed = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk) => {
      printed += chunk
      // The simulator prints its lines in one write once it listens; the token line is among them.
      if (/^export DIGITALOCEAN_API_TOKEN=.*\n/m.test(printed)) resolve(printed)
    })
    child.once('exit', (code) => reject(new Error(`the simulator stopped (exit ${code}) before it listened:\n${log}`)))
  })
}

let failure = null
let cwd = home
try {
  for (const step of steps) {
    if (step.kind === 'simulator') {
      await stopSimulator()
      console.log(`# (second terminal, in ${cwd === home ? '~' : cwd.replace(home, '~')})\n${step.script.replace(/^/gm, '$ ')}`)
      const printed = await startSimulator(step.script, cwd)
      process.stdout.write(printed.replace(/DIGITALOCEAN_API_TOKEN=\S+/, 'DIGITALOCEAN_API_TOKEN=<its token>'))
      console.log('# (first terminal: paste its export lines)')
      for (const line of exportLines(printed)) {
        console.log(`$ ${line.replace(/^export DIGITALOCEAN_API_TOKEN=.*/, 'export DIGITALOCEAN_API_TOKEN=<its token>')}`)
        await type(line)
      }
      continue
    }
    console.log(`$ ${step.line}`)
    const outcome = await type(step.line)
    cwd = outcome.cwd || cwd
    if (outcome.code !== step.exitCode) {
      failure = `the walk-through stopped at \`${step.line}\`: exit ${outcome.code}, where the README says ${step.exitCode}`
      break
    }
  }
} catch (error) {
  failure = error.message
} finally {
  await stopSimulator()
  terminal.stdio[3].end()
  await terminalGone
  rmSync(work, {recursive: true, force: true})
}
if (failure) {
  console.error(`${failure}\nthe simulator's last words:\n${simulatorLog}`)
  process.exitCode = 1
} else console.log('# the walk-through ran to its end')
