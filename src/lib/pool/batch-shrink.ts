// A multi-create DigitalOcean refuses for capacity may be refused whole although part of it would fit (the create
// is all-or-nothing): the refused names are tried again in smaller creates, halving each time it is refused again.

/**
 * How many names to send at a time after a create of `refused` names was refused for capacity: half of them
 * (10 → 5 → 2 → 1), or null when one name alone was refused, where there is nothing smaller to try.
 */
export function shrunkBatchSize(refused: number): number | null {
  return refused > 1 ? Math.floor(refused / 2) : null
}

/** The sizes of the creates a batch of `size` names goes through when every one is refused: 10 gives 10, 5, 2, 1. */
export function shrinkSteps(size: number): number[] {
  const steps = [size]
  for (let next = shrunkBatchSize(size); next !== null; next = shrunkBatchSize(next)) steps.push(next)
  return steps
}
