import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {STARTER_CONFIG} from '../../src/lib/config/starter.js'

const marksOf = (text: string) => parseConfig(text, {file: 'velda.yaml', env: {}}).config?.changeMarks.map((m) => [m.path, m.value, m.position.line])

describe('values marked CHANGE', () => {
  it("are the starter's two placeholders, by key path, value and line: comments elsewhere (the header, other notes) are not marks", () => {
    // The lines are found in the starter's text, so that a comment added above them moves the expectation too.
    const lineOf = (start: string) => STARTER_CONFIG.split('\n').findIndex((line) => line.trimStart().startsWith(start)) + 1
    expect(marksOf(STARTER_CONFIG)).toEqual([
      ['default_broker_info.address', 'broker.example.com:50051', lineOf('address: "broker.example.com:50051"')],
      ['provisioners[0].digitalocean_auto.agent_version_override', 'v1.1.4', lineOf('agent_version_override: "v1.1.4"')],
    ])
    expect(marksOf(STARTER_CONFIG)?.every(([, , line]) => Number(line) > 1)).toBe(true)
  })

  it('count only while the comment on the value\'s line starts with CHANGE; a changed value keeps its mark until the comment goes', () => {
    const pool = 'agent_pools:\n  - name: cpu\n    auto_scaler: {backend: {digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64}}}\n'
    const broker = (comment: string) => `default_broker_info:\n  address: "b.internal:1"${comment}\n${pool}`
    expect(marksOf(broker('  # CHANGE: yours'))).toEqual([['default_broker_info.address', 'b.internal:1', 2]])
    expect(marksOf(broker('  #CHANGE'))).toEqual([['default_broker_info.address', 'b.internal:1', 2]])
    expect(marksOf(broker('  # changed on Monday'))).toEqual([])
    expect(marksOf(broker('  # CHANGES nothing'))).toEqual([])
    expect(marksOf(broker(''))).toEqual([])
  })
})
