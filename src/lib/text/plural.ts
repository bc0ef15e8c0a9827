interface PluralOptions {
  /** The plural when it is not the singular plus "s" ("these droplets" for "this droplet"). */
  plural?: string
  /** How the count is written, when not as plain digits (`4,194,305`). */
  shown?: string
}

/**
 * "1 droplet", "3 droplets", "0 droplets": every count a person reads goes through here, or through inflect for
 * the words that agree with it. test/text/plural-templates.test.ts finds the messages that build their own.
 */
export function plural(count: number, singular: string, options: PluralOptions = {}): string {
  return `${options.shown ?? count} ${inflect(count, singular, options.plural ?? `${singular}s`)}`
}

/** The word that agrees with a count said elsewhere: inflect(n, 'was', 'were'), inflect(n, 'it', 'each'). */
export function inflect(count: number, one: string, many: string): string {
  return count === 1 ? one : many
}
