import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * A hostile or broken member, for rehearsing what velda-do does with what comes back over SSH: before every
 * command's own output the host prints `text`, `repeat` times, `intervalMs` apart. Huge output (1 MiB a hundred
 * times), escape sequences (a title, an OSC 52 clipboard write) or a slow trickle that never ends are all this.
 * The host command (assets/sim-host-command.sh) reads the two files written here.
 */
export interface Chatter {
  text: string
  repeat: number
  intervalMs: number
}

/** The `chatter` of an admin request: null turns it off; a message says what is wrong with one. */
export function parseChatter(value: unknown): Chatter | null | string {
  if (value === null) return null
  const given = value as Partial<Record<keyof Chatter, unknown>> | undefined
  const repeat = given?.repeat ?? 1
  const intervalMs = given?.intervalMs ?? 0
  if (typeof given !== 'object' || typeof given.text !== 'string') return 'chatter is null or {"text": string, "repeat"?: count, "intervalMs"?: ms}'
  if (!Number.isSafeInteger(repeat) || (repeat as number) < 0) return 'chatter.repeat is a count'
  if (!Number.isSafeInteger(intervalMs) || (intervalMs as number) < 0) return 'chatter.intervalMs is a number of ms'
  return {text: given.text, repeat: repeat as number, intervalMs: intervalMs as number}
}

/** What the host prints before the next command's output (nothing when null). */
export function writeChatter(dir: string, chatter: Chatter | null): void {
  if (chatter === null) {
    rmSync(join(dir, 'chatter'), {force: true})
    return
  }
  writeFileSync(join(dir, 'chatter.env'), `CHATTER_REPEAT=${chatter.repeat}\nCHATTER_INTERVAL=${chatter.intervalMs / 1000}\n`)
  writeFileSync(join(dir, 'chatter'), chatter.text)
}
