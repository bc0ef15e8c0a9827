import {describe, expect, it} from 'vitest'

import {assertRunTag, BULK_DELETE_THRESHOLD, sortByListing, tagCountProblem, usesBulkDelete} from '../../src/lib/pool/bulk-delete-plan.js'

describe('when a delete goes by a tag', () => {
  it.each([
    [1, false],
    [19, false],
    [20, false],
    [21, true],
    [1000, true],
  ])('%i droplets: by a tag %s', (count, expected) => {
    expect(usesBulkDelete(count)).toBe(expected)
  })

  it('the threshold is 20, the per-droplet deletes that go out at once', () => {
    expect(BULK_DELETE_THRESHOLD).toBe(20)
  })
})

describe('the tag a delete goes by', () => {
  const runTag = `velda-do-bulk-delete:${'0f'.repeat(16)}`
  it('is a run tag, passed through', () => {
    expect(assertRunTag(runTag)).toBe(runTag)
  })

  it.each(['velda', 'velda-pool:cpu', 'velda-pool:velda-do-bulk-delete', 'velda-expires:1796000000', 'env:prod', `${runTag}0`, runTag.toUpperCase(), ''])(
    'is never %j: refused before anything is tagged',
    (tag) => {
      expect(() => assertRunTag(tag)).toThrow(/refusing to delete droplets by the tag .*only a tag made for this one delete is used/)
    },
  )
})

describe('the tag count check', () => {
  it.each([
    ['exactly the chosen droplets', {resources: 25, droplets: 25}, 25, null],
    ['one droplet more: someone else tagged one', {resources: 26, droplets: 26}, 25, 'the tag is on 26 droplets, not the 25 chosen'],
    ['one droplet fewer: one was not tagged, or went meanwhile', {resources: 24, droplets: 24}, 25, 'the tag is on 24 droplets, not the 25 chosen'],
    ['the droplets and a volume', {resources: 26, droplets: 25}, 25, 'the tag is on 1 other resource besides the 25 droplets chosen'],
    ['the droplets and two images', {resources: 27, droplets: 25}, 25, 'the tag is on 2 other resources besides the 25 droplets chosen'],
    ['a tag gone', null, 25, 'the tag is not there any more'],
    ['nothing tagged', {resources: 0, droplets: 0}, 21, 'the tag is on 0 droplets, not the 21 chosen'],
  ])('%s', (_name, counts, chosen, problem) => {
    expect(tagCountProblem(counts, chosen)).toBe(problem)
  })
})

describe('what the listing after the delete says', () => {
  const chosen = [1, 2, 3, 4].map((id) => ({id, name: `d${id}`}))
  it.each([
    ['all gone', [9], [1, 2, 3, 4], []],
    ['all still there', [1, 2, 3, 4, 9], [], [1, 2, 3, 4]],
    ['some left, in the order chosen', [4, 2], [1, 3], [2, 4]],
    ['an empty listing', [], [1, 2, 3, 4], []],
  ])('%s', (_name, listed, gone, left) => {
    const sorted = sortByListing(chosen, new Set(listed))
    expect(sorted.gone.map((d) => d.id)).toEqual(gone)
    expect(sorted.left.map((d) => d.id)).toEqual(left)
  })
})
