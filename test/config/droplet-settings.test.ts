import {describe, expect, it} from 'vitest'

import {DROPLET_SETTINGS} from '../../src/lib/config/droplet-settings.js'
import {parseConfig} from '../../src/lib/config/parse.js'
import {reportPools} from '../../src/lib/validation/pool-report.js'
import type {VeldaConfig} from '../../src/lib/config/types.js'
import {createBody} from '../../src/lib/do/droplets.js'
import {formatValidationReport} from '../../src/lib/output/validation-report.js'
import {planScaleUp} from '../../src/lib/pool/scale-up-plan.js'

/**
 * For every declared droplet setting: a value other than its default, as written in the file, and what it must
 * become on the wire and in `config validate`. A setting added to the table without a row here fails below.
 */
interface Sample {
  yaml: string
  /** The create body's keys for it (absent keys: must not be sent). */
  body: Record<string, unknown>
  /** `config validate --json`, under the config key. */
  json: unknown
  /** What the human summary shows. */
  shown: string
}

const SAMPLES: Record<string, Sample> = {
  size: {yaml: 's-4vcpu-8gb', body: {size: 's-4vcpu-8gb'}, json: 's-4vcpu-8gb', shown: 's-4vcpu-8gb in '},
  region: {yaml: 'tor1', body: {region: 'tor1'}, json: 'tor1', shown: ' in tor1,'},
  image: {yaml: '"12345"', body: {image: '12345'}, json: '12345', shown: 'image 12345'},
  ssh_key_ids: {yaml: '[11, "22"]', body: {ssh_keys: [11, 22]}, json: [11, 22], shown: 'ssh keys   11, 22'},
  backups: {yaml: 'true', body: {backups: true}, json: true, shown: 'backups on'},
  ipv6: {yaml: 'true', body: {ipv6: true}, json: true, shown: 'ipv6 on'},
  monitoring: {yaml: 'true', body: {monitoring: true}, json: true, shown: 'monitoring on'},
  vpc_uuid: {
    yaml: '5a4981aa-9653-4bd1-bef5-d6bff52042e4', body: {vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4'},
    json: '5a4981aa-9653-4bd1-bef5-d6bff52042e4', shown: 'vpc 5a4981aa-9653-4bd1-bef5-d6bff52042e4',
  },
}

const REQUIRED: Record<string, string> = {size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64'}

/** One droplet mapping: the required keys, with `key` replaced or added. */
function settingsYaml(key: string, value: string, indent: string): string {
  return Object.entries({...REQUIRED, [key]: value}).map(([k, v]) => `${indent}${k}: ${v}`).join('\n')
}

function agentPoolFile(key: string, value: string): string {
  return `default_broker_info: {address: "broker.example.com:50051"}
agent_pools:
  - name: p
    auto_scaler:
      backend:
        digitalocean_droplet:
${settingsYaml(key, value, '          ')}
`
}

/** digitalocean_auto: the setting where the broker's schema has it, on the provisioner or on its pool. */
function provisionerFile(key: string, value: string, onProvisioner: boolean): string {
  const provisioner: Record<string, string> = {region: REQUIRED.region ?? ''}
  const pool: Record<string, string> = {size: REQUIRED.size ?? '', image: REQUIRED.image ?? ''}
  if (onProvisioner) provisioner[key] = value
  else pool[key] = value
  return `default_broker_info: {address: "broker.example.com:50051"}
provisioners:
  - digitalocean_auto:
${Object.entries(provisioner).map(([k, v]) => `      ${k}: ${v}`).join('\n')}
      pool_details:
        - pool_name: p
${Object.entries(pool).map(([k, v]) => `          ${k}: ${v}`).join('\n')}
`
}

function parseValid(text: string): VeldaConfig {
  const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  if (!config) throw new Error('expected a valid config')
  return config
}

function wire(config: VeldaConfig): Record<string, unknown> {
  const pool = config.pools[0]
  if (!pool) throw new Error('no pool')
  const plan = planScaleUp({pool, count: 1, userData: '#!/bin/bash\n', existingNames: new Set()})
  return createBody(plan.batches[0] ?? {names: [], region: '', size: '', image: '', ssh_keys: [], backups: false, ipv6: false, monitoring: false, tags: [], user_data: ''})
}

describe('every droplet setting, declared once, reaches the create body and config validate', () => {
  it('has a sample for each declared setting', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(DROPLET_SETTINGS.map((s) => s.key).sort())
  })

  describe.each(DROPLET_SETTINGS.map((s) => [s.key, s] as const))('%s', (key, setting) => {
    const sample = SAMPLES[key]
    if (!sample) return
    const forms: [string, string][] = [
      ['under agent_pools', agentPoolFile(key, sample.yaml)],
      ['under digitalocean_auto', provisionerFile(key, sample.yaml, setting.auto === 'provisioner')],
    ]
    it.each(forms)('%s', (_form, text) => {
      const config = parseValid(text)
      expect(wire(config)).toMatchObject(sample.body)
      const [summary] = reportPools(config, {})
      expect(summary?.[key]).toEqual(sample.json)
      expect(formatValidationReport('velda.yaml', reportPools(config, {}))).toContain(sample.shown)
    })
  })

  it('sends the defaults of unset settings, and no vpc_uuid (the region\'s default VPC)', () => {
    const config = parseValid(agentPoolFile('size', 's-2vcpu-4gb'))
    const body = wire(config)
    expect(body).toMatchObject({ssh_keys: [], backups: false, ipv6: false, monitoring: false})
    expect(body).not.toHaveProperty('vpc_uuid')
    const human = formatValidationReport('velda.yaml', reportPools(config, {}))
    expect(human).toContain('options    backups off, ipv6 off, monitoring off, vpc default')
    expect(human).toContain('ssh keys   none')
  })

  it('treats vpc_uuid: "" as unset, as the broker does', () => {
    const body = wire(parseValid(agentPoolFile('vpc_uuid', '""')))
    expect(body).not.toHaveProperty('vpc_uuid')
  })

  it.each([
    ['agent_pools', agentPoolFile('size', 's-2vcpu-4gb').replace(/ {10}size: .*\n/, '').replace(/ {10}region: .*\n/, '')],
    ['pool_details', provisionerFile('backups', 'true', false).replace(/ {10}size: .*\n/, '')],
  ])('reports a required setting that is missing (%s) and makes no pool', (_form, text) => {
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
    expect(config).toBeNull()
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(
      _form === 'agent_pools' ? ['required key "size" is missing', 'required key "region" is missing'] : ['required key "size" is missing'])
  })
})
