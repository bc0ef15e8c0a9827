import {describe, expect, it} from 'vitest'

import {healthOf, parseProbe, PROBE_SCRIPT} from '../../src/lib/ssh/probe.js'

const status = (fields: Record<string, unknown>) =>
  JSON.stringify({
    version: 1, phase: 'done', step: 'done', started_at: '2026-11-28T21:00:00Z', updated_at: '2026-11-28T21:02:00Z', finished_at: '2026-11-28T21:02:00Z',
    exit_code: null, gpu: {vendor: 'amd', check: 'ok'}, agent_version: '1.0.0', log_tail: [], ...fields,
  })

/** What the member prints for the probe: each part under its mark, as the script echoes them. */
function answer(parts: {status?: string; cloudInit?: string; agent?: string; log?: string[]}, options: {end?: boolean} = {}): string {
  return [
    '--- velda-probe:status', parts.status ?? '', '',
    '--- velda-probe:cloud-init', ...(parts.cloudInit ? [`status: ${parts.cloudInit}`] : []),
    '--- velda-probe:agent', ...(parts.agent ? [parts.agent] : []),
    '--- velda-probe:log', ...(parts.log ?? []),
    ...(options.end === false ? [] : ['--- velda-probe:end']),
    '',
  ].join('\n')
}

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
  })
})
