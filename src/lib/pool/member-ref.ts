import {UsageError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'
import type {PoolDroplet} from './membership.js'
import {plural} from '../text/plural.js'

/**
 * A member named on the command line: its name, its droplet id, or its number in `pool list`'s order (1 is the
 * first). A number is an id first (ids are large), then a position. Anything else is refused, listing the members.
 */
export function findMember(pool: string, members: readonly PoolDroplet[], ref: string | undefined): PoolDroplet {
  if (members.length === 0) throw new UsageError(`pool ${printableCell(pool)} has no droplets`, {suggestions: [`velda-do pool up ${pool} creates some`]})
  if (ref === undefined) {
    if (members.length === 1 && members[0]) return members[0]
    throw new UsageError(`pool ${printableCell(pool)} has ${plural(members.length, 'droplet')}: say which`, {suggestions: [memberList(members)]})
  }
  const byName = members.find((m) => m.name === ref)
  if (byName) return byName
  if (/^\d+$/.test(ref)) {
    const number = Number(ref)
    const byId = members.find((m) => m.id === number)
    if (byId) return byId
    const byPosition = members[number - 1]
    if (number >= 1 && byPosition) return byPosition
  }
  throw new UsageError(`no member ${printableCell(ref)} in pool ${printableCell(pool)}`, {suggestions: [memberList(members)]})
}

function memberList(members: readonly PoolDroplet[]): string {
  const shown = members.slice(0, 10).map((m, i) => `${i + 1}: ${printableCell(m.name)} (${m.id})`)
  return `its members are ${shown.join(', ')}${members.length > 10 ? `, and ${members.length - 10} more (velda-do pool list)` : ''}`
}
