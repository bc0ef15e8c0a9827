import {dropletSettingBody, type DropletSettingBody} from '../config/droplet-settings.js'
import type {PoolConfig} from '../config/types.js'
import type {DropletCreateRequest} from '../do/types.js'
import {dropletName, type RandomInt} from '../config/naming.js'

/** The API's multi-create takes at most 10 names. */
export const MAX_BATCH = 10

/** Every create request of a scale-up, decided before anything is sent. */
export interface ScaleUpPlan {
  pool: PoolConfig
  requested: number
  batches: DropletCreateRequest[]
}

/** Names, batches of at most 10 and the one user_data of the pool. Pure: the same inputs give the same plan. */
export function planScaleUp(input: {
  pool: PoolConfig
  count: number
  userData: string
  existingNames: ReadonlySet<string>
  random?: RandomInt
  /** Tags of this run's droplets only, after the pool's (a lease). */
  extraTags?: readonly string[]
}): ScaleUpPlan {
  const {pool} = input
  const names: string[] = []
  const taken = new Set(input.existingNames)
  while (names.length < input.count) {
    const name = dropletName(pool.prefix, input.random)
    if (taken.has(name)) continue
    taken.add(name)
    names.push(name)
  }
  // Typed by DigitalOcean's keys: a setting whose body key the API layer does not declare fails to compile here.
  const settings: Pick<DropletCreateRequest, keyof DropletSettingBody> = dropletSettingBody(pool)
  const batches: DropletCreateRequest[] = []
  for (let i = 0; i < names.length; i += MAX_BATCH) {
    batches.push({names: names.slice(i, i + MAX_BATCH), ...settings, tags: [...pool.tags, ...(input.extraTags ?? [])], user_data: input.userData})
  }
  return {pool, requested: input.count, batches}
}
