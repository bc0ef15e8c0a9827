// Runs the built velda-do as a user does, relaying its progress lines as they come.
import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** Cuts the token out of anything relayed: the CLI already does, this is the second lock on the door. */
export function redactor(secrets) {
  const known = secrets.filter((s) => s && s.length >= 8)
  return (text) => known.reduce((out, secret) => out.split(secret).join('<redacted>'), text)
}

/**
 * `velda-do ARGS` in its own process group, so a Ctrl-C typed at the terminal reaches only this script, which
 * decides what each child gets: the running step is forwarded the signal, the cleanup is never stopped.
 * Resolves with the exit code, stdout and the parsed `--json` document (null when stdout is not JSON).
 */
export function runVeldaDo(args, {env, cwd, redact, onStart}) {
  const child = spawn(process.execPath, [BIN, ...args], {env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
  onStart?.(child)
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk.toString()))
  createInterface({input: child.stderr}).on('line', (line) => process.stderr.write(`    | ${redact(line)}\n`))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      let json = null
      try {
        json = JSON.parse(stdout)
      } catch {
        // Left null: the caller reports the step as failed with its exit code.
      }
      resolve({code: code ?? 128, signal, stdout: redact(stdout), json})
    })
  })
}
