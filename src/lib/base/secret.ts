import {inspect} from 'node:util'

export const REDACTED = '<redacted>'

/** A name that may hold a secret (a flag `--api-token`, a variable): its value is never shown again. */
export function isSecretName(name: string): boolean {
  return /token|secret|password|passphrase|auth|credential/i.test(name)
}

const revealed = new Set<string>()

/**
 * Cuts every secret this process has revealed, and the `others` given (tokens read from the environment), out of a
 * text: the one filter that all output passes through. A secret is also cut where it appears escaped, as a server
 * echoing a request or an error quoting a boot script would show it: inside a JSON string or single-quoted for bash.
 */
export function redactSecrets(text: string, others: Iterable<string> = []): string {
  let result = text
  for (const secret of [...revealed, ...others]) {
    if (secret.length < MIN_REDACTED_LENGTH) continue
    for (const form of escapedForms(secret)) result = result.split(form).join(REDACTED)
  }
  return result
}

/** Shorter values would cut ordinary words out of messages; no real token or key is this short. */
const MIN_REDACTED_LENGTH = 4

function escapedForms(secret: string): Set<string> {
  const quotedForBash = secret.replace(/'/g, `'\\''`)
  const inJson = (value: string) => JSON.stringify(value).slice(1, -1)
  // Longest first, so a raw form never cuts an escaped one in half and leaves its tail.
  return new Set([inJson(quotedForBash), quotedForBash, inJson(secret), secret].sort((a, b) => b.length - a.length))
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
    if (this.#value.length >= MIN_REDACTED_LENGTH) revealed.add(this.#value)
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
