// `npm run test:live`: one droplet's whole life against the real DigitalOcean API, through the built CLI.
// Skipped (exit 0) unless DIGITALOCEAN_API_TOKEN and VELDA_DO_LIVE_TEST=1 are set. Whatever happens after the
// create starts — a failed step, a thrown error, SIGINT, SIGTERM, SIGHUP — it deletes the pool's droplets before it
// exits. Exit codes: 0 passed or skipped, 1 a step failed (cleanup done), 2 cleanup failed (a droplet may remain),
// 128 + n stopped by signal n (cleanup done).
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {constants, tmpdir} from 'node:os'
import {join} from 'node:path'

import {redactor, runVeldaDo} from './live/cli.mjs'
import {liveConfig, liveSettings, pickSizeAndRegion} from './live/plan.mjs'

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']
const CLEANUP_TRIES = 3
const GONE_CHECKS = 6
const GONE_DELAY_MS = 5_000

class StepFailed extends Error {}

const say = (line) => process.stdout.write(`${line}\n`)
// A closed terminal (SIGHUP) makes every later write fail: that must not end the script before its cleanup.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
const redact = redactor([process.env.DIGITALOCEAN_API_TOKEN])

let settings
try {
  settings = liveSettings(process.env)
} catch (error) {
  say(`live test: ${error.message}`)
  process.exit(1)
}
if (settings.skip) {
  say(`live test skipped: ${settings.skip}`)
  process.exit(0)
}

const dir = mkdtempSync(join(tmpdir(), 'velda-do-live-'))
chmodSync(dir, 0o700)
const config = join(dir, 'velda.yaml')
// The pool commands get this one file with -c, and every command runs in the empty temporary directory: no config
// of the user's (./velda.yaml, $VELDA_DO_CONFIG) is ever read, so no pool of theirs can be touched.
const {VELDA_DO_CONFIG: _ignored, ...env} = process.env
let running = null
let stopped = null
let createStarted = false

for (const signal of STOP_SIGNALS) {
  process.on(signal, () => {
    if (stopped) return say(`live test: ${signal} received again; still cleaning up so no droplet is left behind`)
    stopped = signal
    say(`live test: ${signal} received; stopping the current step, then deleting what it created`)
    running?.kill(signal)
  })
}

async function step(title, args) {
  if (stopped) throw new StepFailed(`stopped by ${stopped} before: ${title}`)
  say(`\n==> ${title}\n$ velda-do ${args.join(' ')}`)
  const result = await runVeldaDo(args, {env, cwd: dir, redact, onStart: (child) => (running = child)})
  running = null
  if (stopped) throw new StepFailed(`stopped by ${stopped} during: ${title}`)
  if (result.code !== 0 || !result.json) {
    const message = result.json?.error?.message ?? (result.stdout.trim() || 'no output')
    throw new StepFailed(`${title} failed (exit ${result.code}): ${redact(message)}`)
  }
  return result.json
}

function expect(condition, message) {
  if (!condition) throw new StepFailed(message)
}

async function liveRun() {
  say(`live test ${settings.runId}: endpoint ${settings.endpoint}, pool ${settings.pool}, temporary config ${config}`)

  const {sizes} = await step('1/5 sizes that can be created now', ['sizes', '--available', '--json'])
  const {regions} = await step('1/5 regions that are open', ['regions', '--available', '--json'])
  let pick
  try {
    pick = pickSizeAndRegion(sizes, regions, settings)
  } catch (error) {
    throw new StepFailed(error.message)
  }
  say(`    picked ${pick.size} ($${pick.priceHourly}/hour) in ${pick.region}, image ${settings.image}`)
  writeFileSync(config, liveConfig({...settings, ...pick}), {mode: 0o600, flag: 'wx'})

  createStarted = true
  const up = await step('2/5 create one droplet and wait until it is active', ['pool', 'up', settings.pool, '--count', '1', '--wait', '--wait-timeout', settings.waitTimeout, '--poll-interval', settings.pollInterval, '--json', '-c', config])
  const [droplet] = up.created
  expect(up.created.length === 1, `pool up reported ${up.created.length} droplets, not 1`)
  say(`    created ${droplet.name} (id ${droplet.id}) in ${droplet.region}: ${droplet.status}, public IPv4 ${droplet.public_ipv4}`)

  const listed = await step('3/5 list the pool', ['pool', 'list', settings.pool, '--json', '-c', config])
  const seen = listed.droplets.find((d) => d.id === droplet.id)
  expect(seen, `pool list does not show ${droplet.name} (id ${droplet.id})`)
  expect(seen.status === 'active', `pool list shows ${droplet.name} as ${seen.status}, not active`)
  expect(listed.droplets.length === 1, `pool list shows ${listed.droplets.length} droplets, not 1`)
  say(`    listed ${seen.name}: ${seen.status}`)

  const down = await step('4/5 delete it', ['pool', 'down', settings.pool, '--all', '--yes', '--json', '-c', config])
  expect(down.deleted.some((d) => d.id === droplet.id), `pool down did not delete ${droplet.name} (id ${droplet.id})`)
  say(`    deleted ${down.deleted.map((d) => `${d.name} (id ${d.id})`).join(', ')}`)

  // The API may list a droplet for a moment after its delete was accepted: look again a few times before failing.
  for (let check = 1; ; check++) {
    const after = await step(`5/5 list the pool again${check > 1 ? ` (check ${check} of ${GONE_CHECKS})` : ''}`, ['pool', 'list', settings.pool, '--json', '-c', config])
    if (after.droplets.length === 0) break
    const names = after.droplets.map((d) => `${d.name} (${d.status})`).join(', ')
    expect(check < GONE_CHECKS, `pool list still shows ${names}`)
    say(`    still listed: ${names}; looking again in ${GONE_DELAY_MS / 1000}s`)
    await new Promise((resolve) => setTimeout(resolve, GONE_DELAY_MS))
  }
  say('    the pool is empty')
}

/** Deletes whatever the pool holds (it lists by the pool's own prefix and tag, so a lost create answer is found too). */
async function cleanUp() {
  const args = ['pool', 'down', settings.pool, '--all', '--yes', '--json', '-c', config]
  for (let attempt = 1; attempt <= CLEANUP_TRIES; attempt++) {
    say(`\n==> cleanup (attempt ${attempt} of ${CLEANUP_TRIES})\n$ velda-do ${args.join(' ')}`)
    const result = await runVeldaDo(args, {env, cwd: dir, redact})
    const deleted = result.json?.deleted ?? []
    if (deleted.length > 0) say(`    cleanup deleted ${deleted.map((d) => `${d.name} (id ${d.id})`).join(', ')}`)
    if (result.code === 0) {
      if (deleted.length === 0) say('    cleanup: nothing left to delete')
      return true
    }
    say(`    cleanup failed (exit ${result.code}): ${redact(result.json?.error?.message ?? result.stdout.trim())}`)
  }
  return false
}

let failure = null
try {
  await liveRun()
} catch (error) {
  failure = error instanceof StepFailed ? error.message : `unexpected error: ${redact(error?.stack ?? String(error))}`
} finally {
  // Nothing is created before pool up starts: without it there is nothing to clean up (and a bad token would
  // only make the cleanup fail too).
  const clean = createStarted ? await cleanUp() : true
  if (!createStarted) say('\nno droplet was created: nothing to clean up')
  if (clean) rmSync(dir, {recursive: true, force: true})
  else {
    say(`\nCLEANUP FAILED: droplets of pool ${settings.pool} may still exist and cost money. Delete them with:`)
    say(`  velda-do pool down ${settings.pool} --all --yes -c ${config}`)
  }
  if (failure) say(`\nlive test FAILED: ${failure}`)
  else if (clean) say(`\nlive test passed: created, waited for, listed and deleted one droplet`)
  process.exitCode = !clean ? 2 : stopped ? 128 + constants.signals[stopped] : failure ? 1 : 0
}
