import {shellQuote} from '../userdata/shell.js'

/** The boot log, as `pool logs` reads it: the last `lines`, and with `follow` what comes after. */
export function bootLogCommand(lines: number, follow: boolean): string {
  return `tail -n ${lines}${follow ? ' -F' : ''} /var/log/velda-bootstrap.log`
}

/** The agent's journal, as `pool logs --agent` reads it. */
export function agentJournalCommand(lines: number, follow: boolean): string {
  return `journalctl -u velda-agent --no-pager -n ${lines}${follow ? ' -f' : ''}`
}

/**
 * A command run on a member so that it ends when the connection does. A stock sshd leaves a command without a
 * terminal running when its client goes (ssh killed, velda-do stopped, the network gone): `pool ssh --all -- CMD`
 * stopped by Ctrl-C would otherwise run on, on every member. So the member's login shell (the one sshd starts, as
 * for any command) first starts a watchdog that reads the connection's stdin, then runs CMD with `eval`: CMD is
 * parsed by that same login shell exactly as without the watchdog, with stdin /dev/null (as before: ssh had none
 * to send), stdout and stderr its own, no terminal, and its exit status the command's. It runs in a subshell
 * (`( eval CMD )`), parsed alike: only what CMD changes of the shell itself (cd, variables, traps, exec) ends with
 * it, and nothing of CMD's follows. velda-do holds ssh's stdin
 * open and never writes to it (runSsh's `stdin: 'hold'`), so EOF comes only when ssh, or velda-do, is gone: the
 * watchdog then sends SIGTERM to the session's process group (sshd starts each session in a group of its own), CMD
 * and everything it started that stayed in it, and SIGKILL to what is left of it 5 s later. When CMD ends by itself,
 * the login shell ends the watchdog and exits with CMD's status, and nothing else is touched: CMD's own EXIT trap
 * or `exec` cannot undo that, as they are the subshell's. POSIX sh (sh, dash, bash, ksh, zsh as the login shell).
 */
export function watchedCommand(command: string): string {
  return [
    // The connection's stdin on fd 3 for the watchdog alone; the command gets /dev/null.
    'exec 3<&0 </dev/null',
    // At EOF: SIGTERM to the session's group (the watchdog itself excepted), then SIGKILL to what is left 5 s later:
    // a shell may miss a SIGTERM that comes as it starts a child (bash defers it), and the child, started after it,
    // never had it.
    `{ while read -r _; do :; done <&3; trap '' TERM; kill -TERM 0; sleep 5; kill -KILL 0; } >/dev/null 2>&1 &`,
    'velda_do_watchdog=$!',
    'exec 3<&-',
    // CMD in a subshell: its own EXIT trap, or an `exec`, replaces the subshell's, never this shell's ending of the
    // watchdog (left alive, it would kill at EOF what CMD left running on purpose: a nohup'd job).
    `( eval ${shellQuote(command)} )`,
    'velda_do_status=$?',
    'kill "$velda_do_watchdog" 2>/dev/null',
    'exit "$velda_do_status"',
  ].join('\n')
}
