// The simulator's SSH hosts run this for every command a client sends (sshd's ForceCommand). It asks the simulator
// how the droplet's boot stands now, lays its files out (status file, boot log, the agent's state), then runs
// the client's command for real, with sh, in a bubblewrap view of this machine where those files are at the
// droplet's paths: /var/lib/velda, /var/log, and systemctl, cloud-init and journalctl answering as the droplet
// would. Nothing outside the host's own directory is written.
//
// Usage (sshd_config): ForceCommand <node> <this file> <host directory>
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const dir = process.argv[2]
const host = JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8'))
// Known to the host while it runs, so that stopping the host ends it too (sshd leaves running sessions alone).
const session = join(dir, 'sessions', String(process.pid))
mkdirSync(join(dir, 'sessions'), {recursive: true})
writeFileSync(session, '')
process.once('exit', () => rmSync(session, {force: true}))
const answer = await fetch(`${host.simulator}/__sim/hosts/${host.dropletId}`)
if (!answer.ok) {
  process.stderr.write(`simulated host: the simulator does not know droplet ${host.dropletId} (${answer.status})\n`)
  process.exit(255)
}
const machine = await answer.json()
// A network's round trip, to rehearse (and measure) many members far away.
if (host.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, host.latencyMs))

const varLib = join(dir, 'root', 'var-lib-velda')
const varLog = join(dir, 'root', 'var-log')
const bin = join(dir, 'root', 'bin')
for (const path of [varLib, varLog, bin]) mkdirSync(path, {recursive: true})
if (machine.statusFile === null) rmSync(join(varLib, 'bootstrap.json'), {force: true})
else writeFileSync(join(varLib, 'bootstrap.json'), machine.statusFile)
writeFileSync(join(varLog, 'velda-bootstrap.log'), machine.log.map((line) => `${line}\n`).join(''))

const shim = (name, body) => {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`)
  chmodSync(join(bin, name), 0o755)
}
const quote = (text) => `'${String(text).replaceAll("'", "'\\''")}'`
const agentCode = machine.agent === 'active' ? 0 : 3
shim('systemctl', `if [ "$1" = is-active ]; then echo ${quote(machine.agent)}; exit ${agentCode}; fi\necho "systemctl: $1: not simulated" >&2; exit 1`)
shim('cloud-init', `if [ "$1" = status ]; then echo ${quote(`status: ${machine.cloudInit}`)}; exit 0; fi\nexit 1`)
const journal = machine.agent === 'active' ? ['velda-agent[812]: connected to the broker'] : ['velda-agent[812]: not started']
shim('journalctl', `printf '%s\\n' ${journal.map(quote).join(' ')}`)

const command = process.env.SSH_ORIGINAL_COMMAND || 'exec sh -l'
const child = spawn(
  'bwrap',
  [
    '--dev-bind', '/', '/',
    '--tmpfs', '/var/lib',
    '--bind', varLib, '/var/lib/velda',
    '--bind', varLog, '/var/log',
    '--ro-bind', bin, '/usr/local/sbin',
    '--unshare-uts', '--hostname', host.name,
    '--setenv', 'PATH', '/usr/local/sbin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    '--', '/bin/sh', '-c', command,
  ],
  {stdio: 'inherit'},
)
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)))
process.once('SIGTERM', () => {
  child.kill('SIGKILL')
  process.exit(143)
})
