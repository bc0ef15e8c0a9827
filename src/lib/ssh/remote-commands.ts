/** The boot log, as `pool logs` reads it: the last `lines`, and with `follow` what comes after. */
export function bootLogCommand(lines: number, follow: boolean): string {
  return `tail -n ${lines}${follow ? ' -F' : ''} /var/log/velda-bootstrap.log`
}

/** The agent's journal, as `pool logs --agent` reads it. */
export function agentJournalCommand(lines: number, follow: boolean): string {
  return `journalctl -u velda-agent --no-pager -n ${lines}${follow ? ' -f' : ''}`
}
