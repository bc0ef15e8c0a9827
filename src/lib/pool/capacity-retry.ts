import {formatDuration} from '../text/duration.js'

// `--retry-until-up`: when DigitalOcean has no capacity for the rest, wait and try again. The timing is pure, so
// the tests drive it with a fake clock and the waits a user sees are exactly the ones written here.

/** The first wait after a try that created nothing, doubled after each such try up to MAX. */
export const FIRST_CAPACITY_WAIT_MS = 1_000
/** GPU capacity frees in minutes, not seconds: five minutes between tries is as long as a waiting operator loses. */
export const MAX_CAPACITY_WAIT_MS = 5 * 60_000
/** `--retry-timeout` when not given. */
export const DEFAULT_RETRY_TIMEOUT_MS = 2 * 60 * 60_000

/**
 * The wait before the next try: 1 s, 2 s, 4 s … 5 min for the tries in a row that created nothing (`idleTries`, 1
 * for the first), each ±20% so that runs started together (a CI matrix) do not keep asking at the same moment.
 * A try that created something starts the sequence again: capacity that frees in steps is taken step by step.
 */
export function capacityRetryDelay(idleTries: number, random: () => number): number {
  const base = Math.min(MAX_CAPACITY_WAIT_MS, FIRST_CAPACITY_WAIT_MS * 2 ** Math.max(0, idleTries - 1))
  const jittered = Math.round(base * (0.8 + 0.4 * random()))
  return Math.min(MAX_CAPACITY_WAIT_MS, jittered)
}

/**
 * The wait actually taken: never past the deadline, so that the last try is made when the time is up rather than
 * the run ending with time left unused. 0 when the deadline has passed.
 */
export function waitBeforeTry(delayMs: number, elapsedMs: number, timeoutMs: number): number {
  return Math.max(0, Math.min(delayMs, timeoutMs - elapsedMs))
}

/** `12/25 created, waiting for capacity (next try in 40s), 3m of 2h`. */
export function capacityWaitProgress(input: {created: number; requested: number; nextInMs: number; elapsedMs: number; timeoutMs: number}): string {
  const next = formatDuration(Math.ceil(input.nextInMs / 1000) * 1000)
  const elapsed = formatDuration(Math.floor(input.elapsedMs / 1000) * 1000)
  return `${input.created}/${input.requested} created, waiting for capacity (next try in ${next}), ${elapsed} of ${formatDuration(input.timeoutMs)}`
}
