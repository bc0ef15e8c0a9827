import {describe, expect, it} from 'vitest'

import {healthOf, parseProbe, PROBE_SCRIPT} from '../../src/lib/ssh/probe.js'

const status = (fields: Record<string, unknown>) =>
  JSON.stringify({
    version: 1, phase: 'done', step: 'done', started_at: '2026-11-28T21:00:00Z', updated_at: '2026-11-28T21:02:00Z', finished_at: '2026-11-28T21:02:00Z',
    exit_code: null, gpu: {vendor: 'amd', check: 'ok'}, agent_version: '1.0.0', log_tail: [], ...fields,
  })

/** What the member prints for the probe: each part under its mark, as the script echoes them. */
function answer(parts: {status?: string; gpu?: string; cloudInit?: string; agent?: string; log?: string[]}, options: {end?: boolean} = {}): string {
  return [
    '--- velda-probe:status', parts.status ?? '', '',
    '--- velda-probe:gpu', parts.gpu ?? '', '',
    '--- velda-probe:cloud-init', ...(parts.cloudInit ? [`status: ${parts.cloudInit}`] : []),
    '--- velda-probe:agent', ...(parts.agent ? [parts.agent] : []),
    '--- velda-probe:log', ...(parts.log ?? []),
    ...(options.end === false ? [] : ['--- velda-probe:end']),
    '',
  ].join('\n')
}

/** A GPU sample of `gpus` GPUs of ROCm 7's amd-smi, each counting `uncorrectable` errors, on a size promising `promised`. */
const gpuSample = (gpus: number, promised: number | null, uncorrectable = 0) =>
  JSON.stringify({
    version: 1, sampled_at: '2026-11-28T21:03:00Z', tool: 'amd-smi', tool_exit: 0, promised, busy_thresholds: {utilization_pct: 5, vram_pct: 5}, busy: false,
    last_busy_at: null, idle_since: '2026-11-28T21:03:00Z', output_cut: false,
    output: JSON.stringify({gpu_data: Array.from({length: gpus}, (_, gpu) => ({gpu, usage: {gfx_activity: {value: 0, unit: '%'}}, ecc: {total_correctable_count: 0, total_uncorrectable_count: gpu === 1 ? uncorrectable : 0}}))}),
  })

describe('the probe of a member, and what it says of its health', () => {
  it.each([
    ['booted, agent active', {status: status({}), cloudInit: 'done', agent: 'active'}, 'healthy', 'agent active'],
    ['booted, agent crash-looping', {status: status({}), cloudInit: 'done', agent: 'activating'}, 'agent-down', 'booted, but the agent is activating'],
    ['booted, agent failed', {status: status({}), agent: 'failed'}, 'agent-down', 'booted, but the agent is failed'],
    ['booted, no unit', {status: status({})}, 'agent-down', 'booted, but the agent is not known to systemd'],
    ['booting', {status: status({phase: 'running', step: 'packages', finished_at: null}), cloudInit: 'running'}, 'booting', 'step packages'],
    ['boot failed', {status: status({phase: 'failed', step: 'agent', exit_code: 22}), cloudInit: 'done'}, 'boot-failed', 'step agent failed (exit 22)'],
    ['not started', {cloudInit: 'running'}, 'booting', 'the boot script has not started'],
    ['cloud-init failed', {cloudInit: 'error'}, 'boot-failed', 'cloud-init failed before the boot script ran'],
    ['no status, cloud-init done', {cloudInit: 'done'}, 'unknown', expect.stringMatching(/left no status/)],
    ['a broken status file', {status: '{"version": 1, "phase'}, 'unknown', expect.stringMatching(/^status file: not JSON/)],
  ])('%s', (_name, parts, health, detail) => {
    expect(healthOf(parseProbe(answer(parts)))).toEqual({health, detail})
  })

  const booted = {status: status({}), cloudInit: 'done', agent: 'active'}
  it.each([
    ['every GPU seen, no error', gpuSample(8, 8), 'healthy', 'agent active'],
    ['more GPUs than promised', gpuSample(8, 1), 'healthy', 'agent active'],
    ['a size whose count is unknown, GPUs seen', gpuSample(2, null), 'healthy', 'agent active'],
    ['one GPU missing', gpuSample(7, 8), 'gpu-missing', '1 of 8 GPUs missing'],
    ['uncorrectable errors', gpuSample(8, 8, 2), 'gpu-errors', '2 uncorrectable ECC errors on GPU 1'],
    ['both', gpuSample(7, 8, 1), 'gpu-missing', '1 of 8 GPUs missing; 1 uncorrectable ECC error on GPU 1'],
    ['no GPU tool', JSON.stringify({...JSON.parse(gpuSample(0, 8)), tool: null, tool_exit: null, output: null}), 'gpu-missing', 'no GPU seen (no amd-smi, rocm-smi or nvidia-smi on the member), 8 promised'],
    ['the tool failed', JSON.stringify({...JSON.parse(gpuSample(8, 8)), tool_exit: 1}), 'gpu-missing', 'no GPU seen (amd-smi exited 1), 8 promised'],
    ['a sample that is not one', '{"version": 1, "tool"', 'unknown', 'agent active, but the GPU sample (gpu.json) is not one: not JSON: "{\\"version\\": 1, \\"tool\\""'],
  ])('a booted member with its agent active and %s', (_name, gpu, health, detail) => {
    expect(healthOf(parseProbe(answer({...booted, gpu})))).toEqual({health, detail})
  })

  it('judges a failed boot by the boot, whatever its GPUs say', () => {
    const probe = parseProbe(answer({status: status({phase: 'failed', step: 'agent', exit_code: 22}), gpu: gpuSample(7, 8)}))
    expect(healthOf(probe)).toEqual({health: 'boot-failed', detail: 'step agent failed (exit 22)'})
    expect(probe.gpu?.seen).toBe(7)
  })

  it('keeps the log lines and the failed boot\'s tail', () => {
    const probe = parseProbe(answer({status: status({phase: 'failed', step: 'packages', exit_code: 1, log_tail: ['E: Could not get lock']}), log: ['a', 'b']}))
    expect(probe.logTail).toEqual(['a', 'b'])
    expect(probe.boot?.log_tail).toEqual(['E: Could not get lock'])
  })

  it('refuses an answer cut short: a member that stopped answering mid-way is not healthy', () => {
    expect(() => parseProbe(answer({status: status({}), agent: 'active'}, {end: false}))).toThrow(/ends early/)
  })

  it('is one fixed, read-only command line', () => {
    // Its only redirections silence a missing file or tool.
    expect(PROBE_SCRIPT.replaceAll('2>/dev/null', '')).not.toMatch(/\n|>|rm |mv |sudo|\$\(/)
    expect(PROBE_SCRIPT).toContain('cat /var/lib/velda/bootstrap.json')
    // The GPU sample: no more than the reader takes (512 KiB), plus a byte to tell a larger file.
    expect(PROBE_SCRIPT).toContain('head -c 524289 /var/lib/velda/gpu.json')
  })
})
