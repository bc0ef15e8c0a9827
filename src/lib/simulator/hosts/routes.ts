import type {SimulatorCore} from '../core.js'
import {BOOT_PROFILES, type BootProfile} from './boot-timeline.js'
import {parseChatter} from './chatter.js'
import {parseGpuSetting} from './gpu-profile.js'
import type {SimulatedHosts} from './hosts.js'

/**
 * The admin endpoints of the simulated hosts, under /__sim/hosts/ (JSON; the server's gate has checked the token,
 * or for a session the host's own secret: gate.ts):
 * - `GET /__sim/hosts/{id}`: the droplet's machine now (what its host shows: status file, log, agent).
 * - `POST /__sim/hosts/{id}` with any of `{"profile": "agent-404", "refuse": true, "changeHostKey": true, "chatter":
 *   {"text": "...", "repeat": 100, "intervalMs": 0}}` (chatter: what it prints before each command's output, chatter.ts),
 *   `{"gpu_profile": "idle", "idle_since": "2026-12-04T08:00:00Z"}` (its GPUs: gpu-profile.ts; null takes them off).
 * - `POST /__sim/hosts/{id}/session`: a command begins on the host (its host command asks): the droplet's files are
 *   laid out as its boot stands now.
 * - `POST /__sim/hosts` with `{"profile": "agent-404"}`, `{"chatter": ...}` and/or `{"gpu_profile": ...}`: those of every
 *   droplet not given its own.
 * - `GET /__sim/hosts`: answers `{"hosts", "port"}` once every droplet's sshd listens.
 * Answers null when the path is not one of them, so the core's admin API answers instead.
 */
export async function hostsRoute(hosts: SimulatedHosts, core: SimulatorCore, method: string, path: string, body: string): Promise<{status: number; json: unknown} | null> {
  if (path === '/__sim/hosts' && method === 'POST') return setDefaults(hosts, core, body)
  if (path === '/__sim/hosts' && method === 'GET') {
    // Answers once every droplet's sshd listens: a script dials after this.
    await hosts.sync(core.allDroplets())
    return {status: 200, json: {hosts: core.allDroplets().length, port: hosts.port}}
  }
  const match = /^\/__sim\/hosts\/(\d+)(\/session)?$/.exec(path)
  if (!match) return null
  const id = Number(match[1])
  const droplet = core.allDroplets().find((d) => d.id === id)
  if (!droplet) return {status: 404, json: {error: `no droplet ${id}`}}
  if (match[2]) {
    if (method !== 'POST') return {status: 405, json: {error: `${method} is not allowed here: POST`}}
    return hosts.beginCommand(droplet, core.now()) ? {status: 200, json: {}} : {status: 404, json: {error: `droplet ${id} has no host`}}
  }
  if (method === 'GET') return {status: 200, json: machineOf(hosts, droplet.id, hosts.machine(droplet, core.now()))}
  if (method !== 'POST') return {status: 405, json: {error: `${method} is not allowed here: GET or POST`}}
  let change: {profile?: unknown; refuse?: unknown; changeHostKey?: unknown; chatter?: unknown; gpu_profile?: unknown; idle_since?: unknown}
  try {
    change = JSON.parse(body || '{}') as typeof change
  } catch {
    return {status: 400, json: {error: 'the body is not JSON'}}
  }
  if (change === null || typeof change !== 'object' || Array.isArray(change)) return {status: 400, json: {error: 'the body is a JSON object'}}
  // Everything is checked before anything changes: a refused request leaves the host as it was.
  const gpu = parseGpuSetting(change, core.now(), hosts.gpuOf(id) ?? undefined)
  if (typeof gpu === 'string') return {status: 400, json: {error: gpu}}
  if (change.profile !== undefined) {
    if (!BOOT_PROFILES.includes(change.profile as BootProfile)) return {status: 400, json: {error: `profile is one of ${BOOT_PROFILES.join(', ')}`}}
    hosts.setProfile(id, change.profile as BootProfile)
  }
  if (gpu !== undefined) hosts.setGpu(id, gpu)
  if (change.chatter !== undefined) {
    const chatter = parseChatter(change.chatter)
    if (typeof chatter === 'string') return {status: 400, json: {error: chatter}}
    hosts.setChatter(id, chatter)
  }
  if (typeof change.refuse === 'boolean') await hosts.refuse(id, change.refuse)
  if (change.changeHostKey === true) await hosts.changeHostKey(id)
  await hosts.sync(core.allDroplets())
  return {status: 200, json: machineOf(hosts, id, hosts.machine(droplet, core.now()))}
}

/** What the admin API shows of a droplet's machine: its boot as it stands, and its GPU profile. */
function machineOf(hosts: SimulatedHosts, id: number, machine: object): unknown {
  return {...machine, gpu_profile: hosts.gpuOf(id)?.profile ?? null}
}

function setDefaults(hosts: SimulatedHosts, core: SimulatorCore, body: string): {status: number; json: unknown} {
  let given: {profile?: unknown; chatter?: unknown; gpu_profile?: unknown; idle_since?: unknown}
  try {
    given = JSON.parse(body || '{}') as typeof given
  } catch {
    return {status: 400, json: {error: 'the body is not JSON'}}
  }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return {status: 400, json: {error: 'the body is a JSON object'}}
  const chatter = given.chatter === undefined ? undefined : parseChatter(given.chatter)
  if (typeof chatter === 'string') return {status: 400, json: {error: chatter}}
  const gpu = parseGpuSetting(given, core.now(), hosts.defaultGpu ?? undefined)
  if (typeof gpu === 'string') return {status: 400, json: {error: gpu}}
  if (given.profile === undefined && chatter === undefined && gpu === undefined) return {status: 400, json: {error: 'give profile, chatter or gpu_profile'}}
  if (given.profile !== undefined && !BOOT_PROFILES.includes(given.profile as BootProfile)) return {status: 400, json: {error: `profile is one of ${BOOT_PROFILES.join(', ')}`}}
  if (given.profile !== undefined) hosts.defaultProfile = given.profile as BootProfile
  if (chatter !== undefined) hosts.defaultChatter = chatter
  if (gpu !== undefined) hosts.defaultGpu = gpu
  return {status: 200, json: {profile: hosts.defaultProfile, chatter: hosts.defaultChatter, gpu_profile: hosts.defaultGpu?.profile ?? null}}
}
