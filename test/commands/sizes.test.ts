import {describe, expect, it} from 'vitest'

import Sizes from '../../src/commands/sizes.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'

describe('sizes (the command, with a fake API)', () => {
  it('--gpu --region atl1 prints only the GPU sizes offered there, with prices', async () => {
    const run = await runCommand(Sizes, ['--gpu', '--region', 'atl1'], {api: new FakeApi()})
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/gpu-mi300x1-192gb-devcloud .*\$1\.99/)
    expect(run.stdout).toContain('gpu-mi300x8-1536gb-devcloud')
    expect(run.stdout).not.toContain('s-1vcpu-1gb')
  })

  it('--json is the sizes document, nothing on stderr', async () => {
    const run = await runCommand(Sizes, ['--json', '--gpu'], {api: new FakeApi()})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).sizes.map((s: {slug: string}) => s.slug)).toEqual(['gpu-mi300x1-192gb-devcloud', 'gpu-mi300x8-1536gb-devcloud'])
    expect(run.stderr).toBe('')
  })

  it('--api-endpoint reaches the connection, and the token of the environment is never printed', async () => {
    const token = 'dop_v1_' + 'f'.repeat(64)
    const api = new FakeApi({fail: {listSizes: () => new Error(`the server echoed ${token}`)}})
    const run = await runCommand(Sizes, ['--api-endpoint', 'https://api.example.test'], {api, env: {DIGITALOCEAN_API_TOKEN: token}})
    expect(run.factory.connects[0]?.endpointFlag).toBe('https://api.example.test')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('internal error')
    expect(run.stderr).not.toContain(token)
  })

  it('on a terminal of 80 columns: the slug, the price and what the size has; the regions cut; the rest named on stderr', async () => {
    const run = await runCommand(Sizes, [], {api: new FakeApi(), tty: true, columns: 80})
    expect(run.status).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    const shown = lines[0]!.split(/ {2,}/)
    expect(shown[0]).toBe('SLUG')
    expect(shown).toContain('$/HOUR')
    expect(shown.at(-1)).toBe('REGIONS')
    expect(shown).not.toContain('DESCRIPTION')
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80)
    const leftOut = ['SLUG', 'DESCRIPTION', 'VCPUS', 'MEMORY', 'DISK', 'GPU', '$/HOUR', '$/MONTH', 'REGIONS'].filter((h) => !shown.includes(h))
    expect(run.stderr.replaceAll('\n', ' ')).toMatch(new RegExp(`^to fit 80 columns: left out ${leftOut.join(', ').replaceAll('$', '\\$')}(; cut REGIONS with …)?\\. -o wide prints the whole table; --format picks columns $`))
    const wide = await runCommand(Sizes, ['-o', 'wide'], {api: new FakeApi(), tty: true, columns: 80})
    expect(wide.stdout.split('\n')[0]).toMatch(/^SLUG +DESCRIPTION +VCPUS +MEMORY +DISK +GPU +\$\/HOUR +\$\/MONTH +REGIONS$/)
    expect(wide.stderr).toBe('')
  })
})
