import {describe, expect, it} from 'vitest'

import {inflect, plural} from '../../src/lib/text/plural.js'

describe('plural and inflect', () => {
  it.each([
    [0, '0 droplets', 'were'],
    [1, '1 droplet', 'was'],
    [2, '2 droplets', 'were'],
  ])('%i: %s, %s', (count, counted, verb) => {
    expect(plural(count, 'droplet')).toBe(counted)
    expect(inflect(count, 'was', 'were')).toBe(verb)
  })

  it('takes an irregular plural, and the count as it should be shown', () => {
    expect(plural(3, 'copy', {plural: 'copies'})).toBe('3 copies')
    expect(plural(4_194_305, 'byte', {shown: (4_194_305).toLocaleString('en-US')})).toBe('4,194,305 bytes')
    expect(plural(1, 'byte', {shown: '1'})).toBe('1 byte')
  })
})
