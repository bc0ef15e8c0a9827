import {UsageError} from '../base/errors.js'

/**
 * The most droplets one run creates or deletes: 100 POSTs, far past DigitalOcean's default droplet limits, while a
 * typo (20000000) fails at once instead of planning millions of names.
 */
export const MAX_COUNT = 1000

/**
 * The most droplets one run creates or deletes (MAX_COUNT), for pool up's --count and for what pool scale's --to
 * works out to: a typo (--to 15000 for 1500) must fail at once, not pay for droplets by the thousand. One message
 * for every command, refused before anything is sent.
 */
export function checkRunSize(count: number, verb: 'create' | 'delete', asked: string, suggestions: string[] = []): void {
  if (count <= MAX_COUNT) return
  throw new UsageError(`${asked} is more than velda-do ${verb}s in one run (${MAX_COUNT}): every name, request and report is planned in memory first`, {
    suggestions: [...suggestions, `${verb} them in runs of at most ${MAX_COUNT}`, ...(verb === 'create' ? ["velda-do sizes and the account's droplet limit tell what is possible"] : [])],
  })
}
