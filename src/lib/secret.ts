import {inspect} from 'node:util'

export const REDACTED = '<redacted>'

const revealed = new Set<string>()

/** Cuts every secret this process has revealed out of a text: the last line of defence for error output. */
export function redactRevealedSecrets(text: string): string {
  let result = text
  for (const secret of revealed) result = result.split(secret).join(REDACTED)
  return result
}

/**
 * A value that must never reach output, logs or error messages. Every accidental way of turning it into text
 * (template strings, JSON.stringify, console.log, util.inspect) yields `<redacted>`; only `reveal()` gives the
 * value, so each place that really needs it is explicit and easy to review.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    // Remembered, so that an error that quotes it anyway (a library echoing a header) can be cleaned up.
    if (this.#value.length >= 4) revealed.add(this.#value)
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [inspect.custom](): string {
    return REDACTED
  }
}
