import type {Region, Size, SshKey} from '../do/types.js'

/** Filters of `velda-do sizes`. Pure: the command fetches, this decides what to show. */
export interface SizeFilter {
  region?: string
  gpu?: boolean
  available?: boolean
}

export function filterSizes(sizes: readonly Size[], filter: SizeFilter): Size[] {
  return sizes.filter(
    (s) =>
      (!filter.region || s.regions.includes(filter.region)) &&
      (!filter.gpu || s.gpu !== null) &&
      // A size can say available with no region to offer it in; it cannot be created anywhere.
      (!filter.available || (s.available && s.regions.length > 0)),
  )
}

export function filterRegions(regions: readonly Region[], filter: {available?: boolean}): Region[] {
  return regions.filter((r) => !filter.available || r.available)
}

/** Configured ssh_key_ids that the account does not have: pool up would fail on them. */
export function missingSshKeys(keys: readonly SshKey[], configured: readonly number[]): number[] {
  const present = new Set(keys.map((k) => k.id))
  return [...new Set(configured)].filter((id) => !present.has(id))
}

/** A configured key id the account does not have, and the pools whose ssh_key_ids name it. */
export interface MissingKey {
  id: number
  pools: string[]
}

export function missingSshKeysByPool(keys: readonly SshKey[], pools: readonly {name: string; sshKeyIds: readonly number[]}[]): MissingKey[] {
  const missing = missingSshKeys(keys, pools.flatMap((p) => p.sshKeyIds))
  return missing.map((id) => ({id, pools: pools.filter((p) => p.sshKeyIds.includes(id)).map((p) => p.name)}))
}
