/**
 * What a member prints for `pool status`'s probe (src/lib/ssh/probe.ts): its boot status file, cloud-init, the
 * agent's service and the boot log's last lines, each part marked. For fake ssh runs.
 */
export function probeAnswer(options: {phase?: 'done' | 'failed' | 'running'; step?: string; agent?: string; log?: string[]; gpu?: string} = {}): string {
  const phase = options.phase ?? 'done'
  const status = {
    version: 1, phase, step: options.step ?? (phase === 'done' ? 'done' : 'agent'), started_at: '2026-12-04T11:00:00Z', updated_at: '2026-12-04T11:02:10Z',
    finished_at: phase === 'running' ? null : '2026-12-04T11:02:10Z', exit_code: phase === 'failed' ? 22 : null, gpu: {vendor: 'none', check: 'skipped'},
    agent_version: '1.0.0', log_tail: [],
  }
  return [
    '--- velda-probe:status', JSON.stringify(status),
    '--- velda-probe:gpu', options.gpu ?? '',
    '--- velda-probe:cloud-init', 'status: done',
    '--- velda-probe:agent', options.agent ?? 'active',
    '--- velda-probe:log', ...(options.log ?? ['velda agent started']),
    '--- velda-probe:end', '',
  ].join('\n')
}
