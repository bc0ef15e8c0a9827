import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import ConfigInit from '../../../src/commands/config/init.js'
import ConfigValidate from '../../../src/commands/config/validate.js'
import {fakeFactory, runCommand} from '../../support/command.js'

describe('config init (the command, with a fake IO)', () => {
  it('writes a starter config that config validate accepts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-init-')), 'velda.yaml')
    const run = await runCommand(ConfigInit, [file])
    expect(run.status).toBe(0)
    expect(existsSync(file)).toBe(true)
    const validated = await runCommand(ConfigValidate, ['-c', file, '--json'])
    expect(validated.status).toBe(0)
    expect(JSON.parse(validated.stdout).valid).toBe(true)
  })

  it('never overwrites a file that exists (exit 2), and leaves it as it was', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-init-')), 'velda.yaml')
    writeFileSync(file, 'mine: true\n')
    const run = await runCommand(ConfigInit, [file])
    expect(run.status).toBe(2)
    expect(readFileSync(file, 'utf8')).toBe('mine: true\n')
  })

  it('two different paths (argument and -c) are a usage error', async () => {
    const run = await runCommand(ConfigInit, ['a.yaml', '-c', 'b.yaml'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('two paths given')
  })
})

describe('config init --cloud, and the question on a terminal', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'velda-init-cloud-')), 'velda.yaml')

  it.each([
    ['amd-devcloud', 'https://api.devcloud.amd.com', 'gpu-mi300x1-192gb-devcloud', 'amd-rocm71software'],
    ['digitalocean', 'https://api.digitalocean.com', 'gpu-mi300x1-192gb', 'gpu-amd-base'],
  ])('--cloud %s writes its endpoint, MI300X size and AMD image, each saying where it was seen; config validate accepts it', async (cloud, endpoint, size, image) => {
    const path = file()
    const run = await runCommand(ConfigInit, [path, '--cloud', cloud, '--json'])
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({path, cloud})
    const text = readFileSync(path, 'utf8')
    const lines = text.split('\n')
    for (const [key, value] of [['api_endpoint', endpoint], ['size', size], ['image', image]]) {
      const at = lines.findIndex((line) => line.trim() === `${key}: ${value}`)
      expect(at, `${key}: ${value}`).toBeGreaterThan(0)
      // The comment above each names where it was seen, and what checks it against the account.
      expect(lines[at - 2]).toMatch(/^ +# .*[Ss]een in .*\((dstackai\/dstack PR \d+|velda-io\/velda|digitalocean\/openapi)[^)]*\)/)
      expect(lines[at - 1]).toMatch(/^ +# velda-do (doctor|sizes --gpu) .*(your token|your account)/)
    }
    const validated = await runCommand(ConfigValidate, ['-c', path, '--json'])
    expect(validated.status).toBe(0)
    expect(JSON.parse(validated.stdout).pools[0]).toMatchObject({size, api_endpoint: {value: endpoint}})
  })

  it('off a terminal, without --cloud: amd-devcloud, on the moved host (not api-amd.digitalocean.com)', async () => {
    const path = file()
    const run = await runCommand(ConfigInit, [path])
    expect(run.status).toBe(0)
    expect(run.stderr).not.toContain('Where will')
    expect(run.stdout).toContain(`wrote ${path}: one AMD MI300X pool (amd-mi300x) on the AMD Developer Cloud (https://api.devcloud.amd.com)`)
    const text = readFileSync(path, 'utf8')
    expect(text).toContain('api_endpoint: https://api.devcloud.amd.com\n')
    expect(text).not.toMatch(/api_endpoint: https:\/\/api-amd/)
  })

  it.each([
    ['2\n', 'digitalocean'],
    ['digitalocean\n', 'digitalocean'],
    ['\n', 'amd-devcloud'],
    ['3\nfoo\n1\n', 'amd-devcloud'],
  ])('on a terminal it asks; typing %j picks %s', async (typed, cloud) => {
    const path = file()
    const run = await runCommand(ConfigInit, [path, '--json'], {tty: true, stdin: typed})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain("Where will the pool's MI300X droplets run?\n  1) amd-devcloud  the AMD Developer Cloud: https://api.devcloud.amd.com")
    expect(run.stderr).toContain('  2) digitalocean  DigitalOcean: https://api.digitalocean.com, with a DigitalOcean token')
    expect(JSON.parse(run.stdout)).toEqual({path, cloud})
    expect(readFileSync(path, 'utf8')).toContain(`config init --cloud ${cloud}\``)
    expect(run.stderr.match(/is none of them/g)?.length ?? 0).toBe(typed.startsWith('3') ? 2 : 0)
  })

  it('Ctrl-C at the question: exit 130, nothing written', async () => {
    const path = file()
    const factory = fakeFactory({tty: true})
    const asked = factory.io.err.until(/Choose 1-2/).then(() => factory.io.in.write('\u0003'))
    const run = await runCommand(ConfigInit, [path], factory)
    await asked
    expect(run.status).toBe(130)
    expect(run.stderr).toContain('cancelled at the prompt: nothing was written')
    expect(existsSync(path)).toBe(false)
    expect(factory.io.in.isRaw).toBe(false)
  })

  it('end of input at the question (Ctrl-D): exit 130, nothing written', async () => {
    const path = file()
    const run = await runCommand(ConfigInit, [path], {tty: true, stdin: ''})
    expect(run.status).toBe(130)
    expect(run.stderr).toContain('no answer: nothing was written')
    expect(existsSync(path)).toBe(false)
  })

  it('--cloud on a terminal asks nothing; an unknown cloud is a usage error naming the two (exit 2)', async () => {
    const path = file()
    const run = await runCommand(ConfigInit, [path, '--cloud', 'digitalocean'], {tty: true})
    expect(run.status).toBe(0)
    expect(run.stderr).not.toContain('Where will')
    const unknown = await runCommand(ConfigInit, [file(), '--cloud', 'aws'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/amd-devcloud, digitalocean/)
  })
})
