import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {STARTER_CONFIG} from '../../src/lib/config/starter.js'

const parse = (text: string) => parseConfig(text, {file: 'velda.yaml', env: {}}).diagnostics

/** The starter with line `line` (1-based) indented by `indent` instead of its spaces. */
function starterWith(indent: string, ...lineNumbers: number[]): string {
  return STARTER_CONFIG.split('\n').map((line, i) => (lineNumbers.includes(i + 1) ? line.replace(/^ +/, indent) : line)).join('\n')
}

describe('a tab in an indent', () => {
  it('is one error at the tab, saying to indent with spaces, without the follow-on errors of the shifted lines', () => {
    const region = STARTER_CONFIG.split('\n').findIndex((line) => line.includes('region: atl1')) + 1
    // Without the rule the parser adds "All mapping items must start at the same column" for three more lines.
    expect(parse(starterWith('\t', region))).toEqual([{
      severity: 'error',
      path: '',
      message: 'YAML: this line is indented with a tab: indent with spaces, not tabs',
      fix: 'replace each tab at the start of a line with spaces (YAML allows no tab in an indent); two spaces a level, as in the rest of the file',
      position: {file: 'velda.yaml', line: region, col: 1},
    }])
  })

  it('points at the tab itself after spaces, and names the other lines with tabs in the same error', () => {
    expect(parse('a:\n  b: 1\n  \tc: 2\n  d: 3\n')).toEqual([expect.objectContaining({message: 'YAML: this line is indented with a tab: indent with spaces, not tabs', position: {file: 'velda.yaml', line: 3, col: 3}})])
    expect(parse('a:\n\tb: 1\n\tc: 2\n\td: 3\n').map((d) => [d.message, d.position?.line])).toEqual([['YAML: this line is indented with a tab (so are lines 3, 4): indent with spaces, not tabs', 2]])
    expect(parse('a:\n\tb: 1\n\tc: 2\n').map((d) => d.message)).toEqual(['YAML: this line is indented with a tab (so is line 3): indent with spaces, not tabs'])
  })

  it('covers a tab the parser reports as another error (a flow list continued on a tabbed line)', () => {
    expect(parse('a: [1,\n\t2]\n').map((d) => [d.message, d.position?.line])).toEqual([['YAML: this line is indented with a tab: indent with spaces, not tabs', 2]])
  })

  it('leaves other YAML errors as the parser words them, and tabs inside a value alone', () => {
    expect(parse('a: [1,\n  2\nb: 3\n').every((d) => d.message.startsWith('YAML: ') && !d.message.includes('tab'))).toBe(true)
    expect(parse('a: [1,\n  2\nb: 3\n').length).toBeGreaterThan(0)
    expect(parse('default_broker_info:\n  address: "a\\tb:1"\n').some((d) => d.message.includes('tab'))).toBe(false)
  })
})
