import {type AnswerSource, MalformedAnswerError} from './errors.js'

/** A droplet or key id: a positive whole number. */
export const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0

/** dots leaves the list out for `{}`, `null` or a non-array alike, and so does the wire JSON read: none of them is an empty page. */
export function requireList<T>(items: T[] | null | undefined, key: string, source: AnswerSource): T[] {
  if (!Array.isArray(items)) throw new MalformedAnswerError(source, `the answer has no "${key}" list`)
  return items
}

/** Droplets and keys are acted on by id: one without a usable id must never become droplet 0. */
export function requireIds<T extends {id?: unknown}>(items: T[], key: string, source: AnswerSource): (T & {id: number})[] {
  const bad = items.findIndex((item) => typeof item !== 'object' || item === null || !isId(item.id))
  if (bad < 0) return items as (T & {id: number})[]
  const item: unknown = items[bad]
  const which = key === 'droplet' ? 'the "droplet"' : `item ${bad + 1} of the "${key}" list`
  if (typeof item !== 'object' || item === null) throw new MalformedAnswerError(source, `${which} is ${JSON.stringify(item)}, not an object`)
  const id = (item as {id?: unknown}).id
  throw new MalformedAnswerError(source, `${which} has ${id === undefined || id === null ? 'no id' : `the id ${JSON.stringify(id)}, not a positive whole number`}`)
}
