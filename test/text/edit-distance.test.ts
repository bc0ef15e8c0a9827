import {describe, expect, it} from 'vitest'

import {editDistance} from '../../src/lib/text/edit-distance.js'

describe('editDistance (Levenshtein)', () => {
  it.each([
    ['', '', 0],
    ['', 'up', 2],
    ['sizes', 'sizes', 0],
    ['sizez', 'sizes', 1],
    ['pol', 'pool', 1],
    ['craete', 'create', 2],
    ['up-x', 'up', 2],
    ['regoins', 'regions', 2],
    ['kitten', 'sitting', 3],
  ])('%j to %j takes %i edits', (a, b, edits) => {
    expect(editDistance(a, b)).toBe(edits)
    expect(editDistance(b, a)).toBe(edits)
  })
})
