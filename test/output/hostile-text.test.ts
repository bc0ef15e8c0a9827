import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {reportPools} from '../../src/lib/validation/pool-report.js'
import type {Region, Size, SshKey} from '../../src/lib/do/types.js'
import {formatRegions, formatSizes, formatSshKeys} from '../../src/lib/output/catalog-tables.js'
import {formatValidationReport} from '../../src/lib/output/validation-report.js'
import {formatDroplets} from '../../src/lib/output/droplet-table.js'
import {formatDryRun} from '../../src/lib/output/requests.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {formatCountsLine} from '../../src/lib/output/pool-counts.js'

/**
 * Text from the API must reach the terminal inert: no escape sequence (window title, clear screen, cursor moves),
 * no carriage return overwriting a line, no newline or tab faking rows or columns of a table.
 */
const HOSTILE = [
  'evil\u001b]0;owned\u0007',
  'clear\u001b[2J\u001b[H',
  'fake\nPOOL  velda-0-row',
  'over\rwrite',
  'tab\tcolumn',
  'c1\u009b31mred\u0085next',
  'del\u007f',
  'bidi\u202egnp.exe\u2066isolate\u2069',
]

/** Every control character but the newlines that end the output's lines (C0, DEL, C1), and the bidi controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

function droplet(text: string, id: number): PoolDroplet {
  return {
    id, name: text, pool: 'cpu', status: text as PoolDroplet['status'], region: text, size: text, image: text,
    public_ipv4: text, private_ipv4: text, public_ipv6: null, created_at: '2026-11-27T10:00:00Z', tags: [text],
    price_hourly: 1.99, expires_at: null,
  }
}

const size = (text: string): Size => ({
  slug: text, description: text, vcpus: 1, memory_mb: 1024, disk_gb: 25, price_hourly: 0.01, price_monthly: 6,
  available: true, regions: [text, text], gpu: {count: 1, model: text, vram_gb: 192},
})
const region = (text: string): Region => ({slug: text, name: text, available: true, features: [text], sizes: [text]})
const key = (text: string, id: number): SshKey => ({id, name: text, fingerprint: text})

describe('human output of text from the API', () => {
  const now = Date.parse('2026-11-27T11:00:00Z')
  it.each([
    ['pool list / pool down table', () => formatDroplets(HOSTILE.map(droplet), now)],
    ['sizes', () => formatSizes(HOSTILE.map(size))],
    ['regions', () => formatRegions(HOSTILE.map(region))],
    ['ssh-keys', () => formatSshKeys(HOSTILE.map(key), [])],
  ])('%s: no control characters, exactly one line per row', (_what, render) => {
    const output = render()
    expect(output).not.toMatch(CONTROL)
    expect(output.trimEnd().split('\n')).toHaveLength(1 + HOSTILE.length)
  })

  it.each(HOSTILE)('the pool summary line, with the status %j', (status) => {
    const line = formatCountsLine({name: 'cpu', prefix: 'velda-483a082b', count: 1, min_agents: 0, max_agents: null, statuses: {[status]: 1}, hourly_cost: 1.99, unpriced: 0})
    expect(line).not.toMatch(CONTROL)
    expect(line).not.toContain('\n')
  })

  it('the dry-run requests keep their JSON readable and inert', () => {
    const body = {name: 'x', tags: HOSTILE, user_data: '#!/bin/bash\necho "\u001b[2J\u009b"\n'}
    const output = formatDryRun([{method: 'POST', url: 'http://127.0.0.1:1/v2/droplets', body}])
    expect(output).not.toMatch(CONTROL)
    const json = output.split('\n').slice(2).join('\n')
    expect(JSON.parse(json)).toEqual(body)
  })
})

describe('human output of text from the config file', () => {
  it('config validate shows a YAML "\\e" or "\\r" in a description as an escape, not as a control', () => {
    const yaml = `agent_pools:
  - name: cpu
    auto_scaler:
      metadata: {description: "fine\\e]0;owned\\a\\rfake"}
      backend:
        digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64}
`
    const {config, diagnostics} = parseConfig(yaml, {file: 'hostile.yaml', env: {}})
    expect(config, JSON.stringify(diagnostics)).toBeTruthy()
    const output = formatValidationReport('hostile.yaml', reportPools(config!, {}))
    expect(output).not.toMatch(CONTROL)
    expect(output).toContain('fine\\x1b]0;owned\\x07\\rfake')
  })
})
