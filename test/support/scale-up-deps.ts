import type {ScaleUpDeps} from '../../src/lib/pool/create-batches.js'

/** What runScaleUp needs, inert: no droplets, no waits, a fixed clock and jitter; a test overrides what it is about. */
export function scaleUpDeps(overrides: Partial<ScaleUpDeps>): ScaleUpDeps {
  return {
    createDroplets: async () => [],
    listPool: async () => [],
    sleep: async () => {},
    now: () => 0,
    random: () => 0.5,
    isInterrupted: () => false,
    onProgress: () => {},
    ...overrides,
  }
}
