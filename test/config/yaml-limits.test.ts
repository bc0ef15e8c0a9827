import {describe, expect, it} from 'vitest'
import {parseDocument} from 'yaml'

import {type Diagnostic} from '../../src/lib/config/diagnostics.js'
import {parseConfig} from '../../src/lib/config/parse.js'
import {MAX_ALIAS_EXPANSION} from '../../src/lib/config/structure.js'
import {unmark} from '../support/marked.js'

/**
 * Hostile or huge files: each must end in a config error with a position, quickly. Before these limits, a
 * 600-byte merge-key bomb ran for a minute and then crashed, and a 100,000-key section took over a minute.
 * Times are asserted only loosely (a shared CI machine is slow), or against the same work's yardstick measured beside
 * them; the generous timeouts are the real bound.
 */

const POOL = `agent_pools:
  - name: cpu
    auto_scaler:
      backend:
        digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64}
`

function errorsOf(text: string): Diagnostic[] {
  const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
  expect(config).toBeNull()
  return diagnostics.filter((d) => d.severity === 'error')
}

/** Nine levels, each naming the previous one nine times: 9^9 copies of the first map once expanded. */
function mergeKeyBomb(): string {
  const levels = ['l0: &l0 {max_agents: 1}']
  for (let level = 1; level <= 9; level++) {
    levels.push(`l${level}: &l${level} {<<: [${Array.from({length: 9}, () => `*l${level - 1}`).join(', ')}]}`)
  }
  return `${levels.join('\n')}\n${POOL.replace('auto_scaler:', 'auto_scaler:\n      <<: *l9')}`
}

function aliasBomb(use: string): string {
  const names = 'abcdefghi'
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]']
  for (let level = 1; level < names.length; level++) {
    const name = names[level]!
    levels.push(`${name}: &${name} [${Array.from({length: 9}, () => `*${names[level - 1]}`).join(', ')}]`)
  }
  return `${levels.join('\n')}\n${use}`
}

describe('YAML aliases', () => {
  const bombMessage = `the file expands aliases too many times (>${MAX_ALIAS_EXPANSION}): a YAML bomb?`

  it('refuses a merge-key bomb with its position, in well under a second', {timeout: 20_000}, () => {
    const started = Date.now()
    const errors = errorsOf(mergeKeyBomb())
    expect(errors).toEqual([expect.objectContaining({message: bombMessage, position: expect.objectContaining({file: 'velda.yaml'})})])
    expect(errors[0]?.position?.line).toBeLessThanOrEqual(10)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('refuses a plain alias bomb where velda-do reads it', {timeout: 20_000}, () => {
    const started = Date.now()
    const text = aliasBomb(POOL.replace('image: ubuntu-24-04-x64', 'image: ubuntu-24-04-x64, tags: *i'))
    expect(errorsOf(text)).toEqual([expect.objectContaining({message: bombMessage})])
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('refuses a plain alias bomb in a section velda-do ignores (the broker reads the whole file)', {timeout: 20_000}, () => {
    const text = aliasBomb(`storage:\n  blow_up: *i\n${POOL}`)
    expect(errorsOf(text)).toEqual([expect.objectContaining({message: bombMessage})])
  })

  it('still accepts anchors reused many times, within the limit', () => {
    // The anchor is defined on its first use: the broker refuses a top-level key of its own (unknown field).
    const common = (i: number) => (i === 0
      ? '&common {region: nyc3, image: ubuntu-24-04-x64, ssh_key_ids: [1, 2, 3], agent_config: {daemon_config: {max_sessions: 2}}}'
      : '*common')
    const pools = Array.from({length: 200}, (_, i) => `  - name: p${i}
    auto_scaler:
      backend:
        digitalocean_droplet: {<<: ${common(i)}, size: s-1vcpu-1gb, labels: {n: "${i}"}}`)
    const text = `agent_pools:\n${pools.join('\n')}\n`
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(config?.pools).toHaveLength(200)
    expect(config?.pools[199]?.agentConfig).toEqual({daemon_config: {max_sessions: 2}})
  })

  it('refuses an alias inside the value it names instead of recursing forever', () => {
    const {text, line, col} = unmark(POOL.replace('image: ubuntu-24-04-x64', 'image: ubuntu-24-04-x64, tags: &t [a, »*t]'))
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({message: expect.stringMatching(/alias \*t is inside the value it names/), position: {file: 'velda.yaml', line, col}}),
    ])
  })

  it('refuses an alias that names no anchor', () => {
    const {text, line, col} = unmark(POOL.replace('region: nyc3', 'region: »*nowhere'))
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({message: 'alias *nowhere names no anchor before it', position: {file: 'velda.yaml', line, col}}),
    ])
  })

  it('lets the first of several merged maps win, as YAML merge keys do', () => {
    const text = POOL.replace('{size:', '{<<: [{region: sfo3}, {region: ams3}], size:').replace('region: nyc3, ', '')
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(config?.pools[0]?.region).toBe('sfo3')
  })
})

describe('large files', () => {
  /** A section the broker reads and velda-do does not check (another backend's settings), with `count` keys. */
  function bigIgnoredSection(count: number): string {
    const lines = Array.from({length: count}, (_, i) => `          key_${i}: value`)
    return `${POOL}  - name: k8s\n    auto_scaler:\n      backend:\n        kubernetes:\n${lines.join('\n')}\n`
  }

  it('parses a 100,000-key mapping in linear time', {timeout: 120_000}, () => {
    const text = bigIgnoredSection(100_000)
    // The yardstick, on this machine under this load: the YAML parse alone of the same text (linear).
    const yardstickStarted = performance.now()
    parseDocument(text, {uniqueKeys: false})
    const yardstick = performance.now() - yardstickStarted
    const started = performance.now()
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
    const parsed = performance.now() - started
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(config?.pools.map((p) => p.name)).toEqual(['cpu'])
    // A few times the parse alone (the checks walk the tree once more); yaml's quadratic duplicate-key check made
    // it forty times that. Measured against the yardstick, a busy machine slows both alike.
    expect(parsed).toBeLessThan(10 * yardstick + 1_000)
  })

  it('still reports a duplicate key in a huge mapping, at the second one, naming the first', {timeout: 120_000}, () => {
    const text = bigIgnoredSection(50_000).replace('  key_49999: value', '  key_17: again')
    const errors = errorsOf(text)
    expect(errors).toEqual([expect.objectContaining({message: 'YAML: Map keys must be unique', position: {file: 'velda.yaml', line: 50_009, col: 11}})])
    expect(errors[0]?.fix).toMatch(/"key_17" is already a key of this mapping \(line 27\)/)
  })

  it.each([
    ['a flow mapping', POOL.replace('{size: s-1vcpu-1gb,', '{size: s-1vcpu-1gb, »size: s-2vcpu-4gb,'), 'size'],
    ['a key that YAML reads as the same number', `1: a\n»1.0: b\n${POOL}`, '1'],
  ])('reports a duplicate key in %s', (_name, marked, key) => {
    const {text, line, col} = unmark(marked)
    expect(errorsOf(text)).toContainEqual(
      expect.objectContaining({message: 'YAML: Map keys must be unique', position: {file: 'velda.yaml', line, col}, fix: expect.stringContaining(`"${key}"`)}),
    )
  })

  it('refuses a key that YAML reads as a number: the broker reads only text keys', () => {
    const {text, line, col} = unmark(`${POOL}storage: {zfs: {»1: a}}\n`)
    expect(errorsOf(text)).toEqual([expect.objectContaining({
      message: 'the key "1" is not text to YAML: the Velda broker reads only text keys and would not start',
      position: {file: 'velda.yaml', line, col},
    })])
  })

  it('allows several merge keys in one mapping, as yaml does', () => {
    const text = POOL.replace('{size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64}', '\n          <<: {region: nyc3}\n          <<: {image: ubuntu-24-04-x64}\n          size: s-1vcpu-1gb')
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(config?.pools[0]).toMatchObject({region: 'nyc3', image: 'ubuntu-24-04-x64'})
  })
})
