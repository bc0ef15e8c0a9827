import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {GPU_OUTPUT_LIMIT_BYTES, GPU_SAMPLE_PATH, type GpuSample, parseGpuSample} from '../../src/lib/boot/gpu-sample.js'
import {gpuBusy, NVIDIA_QUERY} from '../../src/lib/boot/gpu-tools.js'
import {renderUserData} from '../../src/lib/userdata/render.js'
import {AGENT_VERSION, BROKER, shapePool} from '../support/pools.js'
import {Sandbox, type SandboxOptions} from '../support/sandbox.js'
import {haveTool} from '../support/tools.js'
import {utcSeconds} from '../../src/lib/text/wire-formats.js'

// python3 reads the GPU tool's figures on the member, as on every image the boot script runs on (cloud-init's own).
const canSandbox = haveTool('bwrap', 'bubblewrap', 'running the GPU sampler in a sandbox') && haveTool('python3', 'python3', 'the GPU sampler\'s verdict') && Sandbox.canRun('running the GPU sampler in a sandbox')

const simGpu = (profile: string) => readFileSync(new URL(`../../assets/sim-gpu/${profile}.json`, import.meta.url), 'utf8')
const fixture = (name: string) => readFileSync(new URL(`../fixtures/gpu/${name}`, import.meta.url), 'utf8')
const SAMPLER_ASSET = readFileSync(new URL('../../assets/gpu-sampler.sh', import.meta.url), 'utf8')

/** What systemd runs every minute: the unit's EnvironmentFile, then the sampler. */
const TIMER_RUN = '#!/bin/bash\nset -a\n. /etc/velda/gpu-sampler.env\nexec /usr/local/sbin/velda-gpu-sampler\n'

describe('the GPU sampler and velda-do\'s reader agree on what the member asks and keeps', () => {
  it('asks nvidia-smi for the fields the reader reads, in its order, and keeps as much output as the reader takes', () => {
    expect(SAMPLER_ASSET).toContain(`\nnvidia_query=${NVIDIA_QUERY}\n`)
    expect(SAMPLER_ASSET).toContain(`\nlimit=$((${GPU_OUTPUT_LIMIT_BYTES / 1024} * 1024))\n`)
  })
})

describe.runIf(canSandbox)('the GPU sampler, installed by the boot script and run in a sandbox', () => {
  let sandbox: Sandbox | undefined
  afterEach(() => sandbox?.dispose())

  function boot(shape: string, output: string | null, options: SandboxOptions = {tailscaleInstalled: true}) {
    const script = renderUserData({pool: shapePool(shape), brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'})
    sandbox = new Sandbox(options)
    if (output !== null) sandbox.gpuOutput(output)
    const run = sandbox.run(script)
    expect(run.status, run.output).toBe(0)
    return sandbox
  }

  /** One sample, as the timer takes it, over what the GPU tool prints now; the file it leaves. */
  function sample(box: Sandbox, output: string): GpuSample {
    box.gpuOutput(output)
    const run = box.run(TIMER_RUN)
    expect(run.status, run.output).toBe(0)
    return parseGpuSample(box.readFile(GPU_SAMPLE_PATH))
  }

  it('is installed on a GPU size with a timer every minute, and takes its first sample during the boot', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    expect(box.readFile('/usr/local/sbin/velda-gpu-sampler')).toBe(SAMPLER_ASSET)
    expect(box.mode('/usr/local/sbin/velda-gpu-sampler')).toBe(0o755)
    expect(box.readFile('/etc/velda/gpu-sampler.env')).toBe('VELDA_GPU_PROMISED=8\nVELDA_GPU_BUSY_UTIL_PCT=5\nVELDA_GPU_BUSY_VRAM_PCT=5\n')
    expect(box.readFile('/usr/lib/systemd/system/velda-gpu-sampler.timer')).toMatch(/OnUnitActiveSec=60s/)
    expect(box.readFile('/usr/lib/systemd/system/velda-gpu-sampler.service')).toMatch(/EnvironmentFile=\/etc\/velda\/gpu-sampler.env\nExecStart=\/usr\/local\/sbin\/velda-gpu-sampler/)
    const calls = box.calls()
    expect(calls.filter((c) => c.program === 'systemctl').map((c) => c.args)).toContainEqual(['enable', '--now', 'velda-gpu-sampler.timer'])
    expect(calls.filter((c) => c.program === 'amd-smi').map((c) => c.args)).toEqual([['list'], ['metric', '--usage', '--power', '--temperature', '--ecc', '--mem-usage', '--json']])
    const first = parseGpuSample(box.readFile(GPU_SAMPLE_PATH))
    expect(first).toMatchObject({tool: 'amd-smi', promised: 8, seen: 8, busy: false, problem: null, idle_since: first.sampled_at})
    expect(box.mode(GPU_SAMPLE_PATH)).toBe(0o644)
  })

  it('is not installed on a CPU size', () => {
    const box = boot('cpu', null)
    expect(box.exists('/usr/local/sbin/velda-gpu-sampler')).toBe(false)
    expect(box.exists(GPU_SAMPLE_PATH)).toBe(false)
  })

  it('follows busy and idle: last_busy_at at each busy sample, idle_since from the first idle one, an unknown sample ending the idle run', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    const busy = sample(box, simGpu('busy'))
    expect(busy).toMatchObject({busy: true, last_busy_at: busy.sampled_at, idle_since: null})
    const idle = sample(box, simGpu('idle'))
    expect(idle).toMatchObject({busy: false, last_busy_at: busy.sampled_at, idle_since: idle.sampled_at})
    const stillIdle = sample(box, fixture('amd-smi-6.2-value-unit.json'))
    expect(stillIdle).toMatchObject({busy: false, last_busy_at: busy.sampled_at, idle_since: idle.sampled_at})
    // N/A is unknown, never idle: the idle run ends, and the next idle sample starts a new one.
    const unknown = sample(box, simGpu('smi-na'))
    expect(unknown).toMatchObject({busy: null, last_busy_at: busy.sampled_at, idle_since: null})
    const idleAgain = sample(box, simGpu('idle'))
    expect(idleAgain).toMatchObject({busy: false, idle_since: idleAgain.sampled_at})
  })

  it('starts a new idle run after a gap in the samples (the timer stopped), and goes on from one a minute ago', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    const earlier = JSON.parse(box.readFile(GPU_SAMPLE_PATH)) as Record<string, unknown>
    const twoHoursAgo = utcSeconds(Date.now() - 2 * 3600_000)
    box.writeFile(GPU_SAMPLE_PATH, JSON.stringify({...earlier, sampled_at: utcSeconds(Date.now() - 3600_000), idle_since: twoHoursAgo}))
    const afterGap = sample(box, simGpu('idle'))
    expect(afterGap.idle_since).toBe(afterGap.sampled_at)
    box.writeFile(GPU_SAMPLE_PATH, JSON.stringify({...earlier, sampled_at: utcSeconds(Date.now() - 60_000), idle_since: twoHoursAgo}))
    expect(sample(box, simGpu('idle')).idle_since).toBe(twoHoursAgo)
  })

  it('rewrites the file whole by a rename in the same directory, leaving no temporary file', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    const before = statSync(join(box.root, 'var/lib/velda/gpu.json')).ino
    sample(box, simGpu('busy'))
    expect(statSync(join(box.root, 'var/lib/velda/gpu.json')).ino).not.toBe(before)
    expect(Object.keys(box.snapshot()).filter((path) => path.startsWith('/var/lib/velda/'))).toEqual(['/var/lib/velda/bootstrap.json', '/var/lib/velda/gpu.json'])
  })

  it('keeps at most 192 KiB of what the tool prints, and says it was cut', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    const cut = sample(box, `[${' '.repeat(300 * 1024)}]`)
    expect(cut).toMatchObject({busy: null, seen: null, problem: 'amd-smi printed more than 192 KiB'})
    expect(box.readFile(GPU_SAMPLE_PATH).length).toBeLessThan(200 * 1024)
  })

  it('drops control characters from what the tool prints (the escape of a terminal sequence)', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    sample(box, `\u001b]0;owned\u0007${simGpu('idle')}`)
    const written = JSON.parse(box.readFile(GPU_SAMPLE_PATH)) as {output: string}
    expect(written.output.startsWith(']0;owned')).toBe(true)
    const controls = [...written.output].filter((char) => (char < ' ' && char !== '\n' && char !== '\t') || char === '\u007f')
    expect(controls).toEqual([])
  })

  it('says no GPU is seen when the image has no GPU tool', () => {
    const box = boot('amd-gpu-8', null, {tailscaleInstalled: true, missing: ['amd-smi', 'rocm-smi', 'nvidia-smi']})
    expect(parseGpuSample(box.readFile(GPU_SAMPLE_PATH))).toMatchObject({tool: null, seen: 0, promised: 8, busy: null, problem: 'no amd-smi, rocm-smi or nvidia-smi on the member'})
  })

  it('falls back to rocm-smi, then nvidia-smi', () => {
    const rocm = boot('amd-gpu-8', fixture('rocm-smi.json'), {tailscaleInstalled: true, missing: ['amd-smi']})
    expect(parseGpuSample(rocm.readFile(GPU_SAMPLE_PATH))).toMatchObject({tool: 'rocm-smi', seen: 8, busy: true})
    rocm.dispose()
    const nvidia = boot('nvidia-gpu-tailscale-default-server', fixture('nvidia-smi.csv'), {tailscaleInstalled: true, missing: ['amd-smi', 'rocm-smi']})
    expect(parseGpuSample(nvidia.readFile(GPU_SAMPLE_PATH))).toMatchObject({tool: 'nvidia-smi', promised: 1, seen: 3, busy: true})
  })

  it('decides busy as velda-do\'s reader would from the same output, for every shape', () => {
    const box = boot('amd-gpu-8', simGpu('idle'))
    const outputs = {...Object.fromEntries(['busy', 'idle', 'gpu-missing', 'gpu-errors', 'smi-na'].map((p) => [p, simGpu(p)])), 'amd-smi-6.0-plain': fixture('amd-smi-6.0-plain.json'), 'amd-smi-6.0-one-gpu': fixture('amd-smi-6.0-one-gpu.json'), 'amd-smi-6.2': fixture('amd-smi-6.2-value-unit.json'), 'amd-smi-7.0-dpx': fixture('amd-smi-7.0-dpx.json')}
    const decided = Object.fromEntries(Object.entries(outputs).map(([name, output]) => {
      const read = sample(box, output)
      const each = read.gpus.map((gpu) => gpuBusy(gpu, read.thresholds))
      const reader = each.includes(true) ? true : each.length > 0 && each.every((b) => b === false) ? false : null
      return [name, [read.busy, reader]]
    }))
    expect(decided).toEqual({
      'busy': [true, true], 'idle': [false, false], 'gpu-missing': [false, false], 'gpu-errors': [false, false], 'smi-na': [null, null],
      'amd-smi-6.0-plain': [true, true], 'amd-smi-6.0-one-gpu': [false, false], 'amd-smi-6.2': [false, false], 'amd-smi-7.0-dpx': [true, true],
    })
  })
})
