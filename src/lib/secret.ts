import {inspect} from 'node:util'

export const REDACTED = '<redacted>'

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
