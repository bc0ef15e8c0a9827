#!/bin/bash
# The simulator's SSH hosts run this for every command a client sends (sshd's ForceCommand). It asks the simulator
# to lay the droplet's files out as its boot stands now (status file, boot log, the agent's state), then runs the
# client's command for real, with sh, in a bubblewrap view of this machine where those files are at the droplet's
# paths: /var/lib/velda, /var/log, and systemctl, cloud-init and journalctl answering as the droplet would.
# Nothing outside the host's own directory is written.
#
# Bash, not node: it runs for every ssh command, hundreds of them in a test run, and bash starts in a few ms of CPU
# where node takes a third of a second. The one HTTP request goes over bash's /dev/tcp.
#
# Usage (sshd_config): ForceCommand /bin/bash <this file> <host directory>
set -u
dir=$1
# SIM_ADDRESS, SIM_PORT, SIM_HOST_SECRET, DROPLET_ID, HOST_NAME, LATENCY_SECONDS, PID_NAMESPACE: written by the
# simulator when it made the host (mode 0600: the secret opens this host's session endpoint, nothing else).
# shellcheck source=/dev/null
. "$dir/host.env"

# Known to the host while it runs, so that stopping the host ends it too (sshd leaves running sessions alone): this
# pid is its session's process group (sshd starts each session in one of its own). The file stays when the command ends (bwrap takes this process's place, below): the host checks that a pid is still
# one of its own before it signals it, and each command clears the files of those that ended.
for earlier in "$dir"/sessions/*; do
  [ -e "$earlier" ] && ! kill -0 "${earlier##*/}" 2>/dev/null && rm -f "$earlier"
done
: >"$dir/sessions/$$"

if ! exec 3<>"/dev/tcp/$SIM_ADDRESS/$SIM_PORT"; then
  echo "simulated host: the simulator at $SIM_ADDRESS:$SIM_PORT does not answer" >&2
  exit 255
fi
# The simulator's admin API wants what any client must show it: its own name in Host, a credential (this host's
# secret), and JSON for a POST.
host_header=$SIM_ADDRESS
[[ $host_header == *:* ]] && host_header="[$host_header]"
printf 'POST /__sim/hosts/%s/session HTTP/1.0\r\nHost: %s:%s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n' \
  "$DROPLET_ID" "$host_header" "$SIM_PORT" "$SIM_HOST_SECRET" >&3
status=
read -r _ status _ <&3
exec 3<&-
if [ "$status" != 200 ]; then
  echo "simulated host: the simulator does not know droplet $DROPLET_ID (${status:-no answer})" >&2
  exit 255
fi
# A network's round trip, to rehearse (and measure) many members far away.
if [ "$LATENCY_SECONDS" != 0 ]; then sleep "$LATENCY_SECONDS"; fi

# A hostile or broken member, when the simulator was told to rehearse one (src/lib/simulator/hosts/chatter.ts):
# what it prints before the command's own output, CHATTER_REPEAT times, CHATTER_INTERVAL seconds apart. It stops
# when the client is gone (cat fails on the closed pipe).
if [ -f "$dir/chatter" ]; then
  CHATTER_REPEAT=0 CHATTER_INTERVAL=0
  # shellcheck source=/dev/null
  . "$dir/chatter.env"
  for ((i = 0; i < CHATTER_REPEAT; i++)); do
    cat "$dir/chatter" || exit 141
    if [ "$CHATTER_INTERVAL" != 0 ]; then sleep "$CHATTER_INTERVAL"; fi
  done
fi

root="$dir/root"
# A droplet with GPUs (a GPU profile, src/lib/simulator/hosts/gpu-profile.ts): its sampler's timer has fired since
# the last command. The sampler (the droplet's own, assets/gpu-sampler.sh) runs as on a real member, over the
# stand-in amd-smi, writing the droplet's /var/lib/velda/gpu.json; what it prints is not the command's.
if [ -f "$root/machine/gpu.env" ]; then
  (
    set -a
    # shellcheck source=/dev/null
    . "$root/machine/gpu.env"
    VELDA_GPU_FILE="$root/var-lib-velda/gpu.json" VELDA_SIM_MACHINE="$root/machine" PATH="$root/bin:$PATH" \
      bash "$root/bin/velda-gpu-sampler"
  ) </dev/null >/dev/null 2>&1
fi
# A command of its own runs in a pid namespace, which ends with bwrap, taking along all it started: a host that
# stops (SIGKILL to this session's group) leaves nothing running. A shell on a terminal stays in this one: in a new namespace
# it cannot take the terminal's process group, and exits 2. PID_NAMESPACE is "no" where bwrap cannot mount a /proc
# for one (an unprivileged container).
namespace_flags=()
if [ "$PID_NAMESPACE" = yes ] && [ ! -t 0 ]; then namespace_flags=(--unshare-pid --proc /proc); fi
# On a terminal, a stock sshd's hangup (the terminal closed with the connection) ends the shell: --die-with-parent
# stands for it there. Without a terminal nothing ends the command when the client goes, as with a stock sshd.
parent_flags=()
if [ -t 0 ]; then parent_flags=(--die-with-parent); fi
# exec: bwrap takes this process's place, with its signals (Ctrl-C reaches the command), its exit code and the
# client's standard input. No --die-with-parent without a terminal: a stock sshd leaves such a command running when
# its client goes, and so does this host (clients must end their commands themselves: velda-do's watchdog, see
# src/lib/ssh/remote-commands.ts). Stopping the host ends every session's process group (ssh-host.ts), so nothing
# outlives the host.
exec bwrap \
  --dev-bind / / \
  --tmpfs /var/lib \
  --bind "$root/var-lib-velda" /var/lib/velda \
  --ro-bind "$root/machine" /var/lib/velda-sim \
  --bind "$root/var-log" /var/log \
  --ro-bind "$root/bin" /usr/local/sbin \
  --unshare-uts --hostname "$HOST_NAME" \
  "${namespace_flags[@]}" "${parent_flags[@]}" \
  --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
  -- /bin/sh -c "${SSH_ORIGINAL_COMMAND:-exec sh -l}"
