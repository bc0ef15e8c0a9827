import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {agentVersionOf, gpuVendorOf, type SimDroplet} from '../droplet-store.js'
import {type BootProfile, type SimulatedMachine, simulateBoot} from './boot-timeline.js'
import {type Chatter, writeChatter} from './chatter.js'
import {SshHost} from './ssh-host.js'
import {type GpuSetting, gpuOutput, idleSample, promisedGpus, samplerEnv} from './gpu-profile.js'
import type {HostGpu} from './host-files.js'

export interface HostsOptions {
  /** The port every host listens on, each on its own loopback address. */
  port: number
  /** From active to agent running. */
  bootMs: number
  /** Public keys let in on every host (authorized_keys lines). */
  authorizedKeys: string
  sshd: string
  /** The simulator's origin: hosts ask it for their droplet's state. */
  simulator: () => string
  /** What each host presents to the simulator when it asks (gate.ts, hostSecrets). */
  secret: (dropletId: number) => string
  /** Added to every command's answer (a round trip to far-away members). */
  latencyMs?: number
}

/**
 * The machines behind the simulated droplets: each droplet has an SSH server on its own loopback address, as
 * long as the droplet exists, answering as its boot (profile, time since active) says. Kept in step with the
 * droplets by sync(), which the server calls on every request and tests await before dialling.
 */
export class SimulatedHosts {
  private readonly hosts = new Map<number, SshHost>()
  private readonly profiles = new Map<number, BootProfile>()
  private readonly refused = new Set<number>()
  private readonly chatters = new Map<number, Chatter | null>()
  private readonly gpus = new Map<number, GpuSetting | null>()
  /** The GPUs of droplets not given their own (null: none, no sample). */
  defaultGpu: GpuSetting | null = null
  /** What every host prints before each command's output, unless told otherwise for it (see chatter.ts). */
  defaultChatter: Chatter | null = null
  private readonly dir = mkdtempSync(join(tmpdir(), 'velda-sim-hosts-'))
  private pending: Promise<void> = Promise.resolve()
  /** How many commands the hosts have begun to answer (each has its droplet's files laid out first). */
  commandsStarted = 0
  /** The profile of droplets not given one: what a rehearsal of a broken image or release wants for all. */
  defaultProfile: BootProfile = 'ok'

  constructor(private readonly options: HostsOptions) {}

  get port(): number {
    return this.options.port
  }

  /** Starts a host for each droplet that has none, stops those of deleted droplets; resolves once all are up. */
  sync(droplets: Iterable<SimDroplet>): Promise<void> {
    const alive = new Map([...droplets].map((d) => [d.id, d]))
    const work: Promise<void>[] = []
    for (const [id, host] of this.hosts) {
      if (alive.has(id)) continue
      this.hosts.delete(id)
      work.push(host.stop().then(() => host.dispose()))
    }
    for (const droplet of alive.values()) {
      if (this.hosts.has(droplet.id)) continue
      const host = new SshHost({
        dropletId: droplet.id,
        name: droplet.name,
        address: droplet.publicIpv4,
        port: this.options.port,
        dir: join(this.dir, String(droplet.id)),
        authorizedKeys: this.options.authorizedKeys,
        simulator: this.options.simulator(),
        secret: this.options.secret(droplet.id),
        sshd: this.options.sshd,
        latencyMs: this.options.latencyMs ?? 0,
      })
      this.hosts.set(droplet.id, host)
      if (!this.refused.has(droplet.id)) work.push(host.start())
    }
    this.pending = Promise.all([this.pending, ...work]).then(() => undefined)
    return this.pending
  }

  /** How the droplet's boot ends (`ok` unless told). */
  setProfile(id: number, profile: BootProfile): void {
    this.profiles.set(id, profile)
  }

  /** The droplet's SSH server stops answering (connection refused), until allowed again. */
  async refuse(id: number, refused: boolean): Promise<void> {
    const host = this.hosts.get(id)
    if (refused) {
      this.refused.add(id)
      await host?.stop()
    } else {
      // The same server comes back, host key and all.
      this.refused.delete(id)
      await host?.start()
    }
  }

  /** The droplet's host prints this before each command's output from now on (null: nothing). */
  setChatter(id: number, chatter: Chatter | null): void {
    this.chatters.set(id, chatter)
  }

  /** The droplet's GPU profile from now on (null: no GPUs shown); with idle_since, its next sample goes on from it. */
  setGpu(id: number, gpu: GpuSetting | null): void {
    this.gpus.set(id, gpu)
  }

  gpuOf(id: number): GpuSetting | null {
    return this.gpus.has(id) ? (this.gpus.get(id) ?? null) : this.defaultGpu
  }

  async changeHostKey(id: number): Promise<void> {
    await this.hosts.get(id)?.changeHostKey()
  }

  /** A command begins on the droplet's host: its files are laid out as the boot stands now. False: no such host. */
  beginCommand(droplet: SimDroplet, now: number): boolean {
    const host = this.hosts.get(droplet.id)
    if (!host) return false
    this.commandsStarted++
    host.layOut(this.machine(droplet, now), this.hostGpu(droplet))
    writeChatter(host.spec.dir, this.chatters.has(droplet.id) ? (this.chatters.get(droplet.id) ?? null) : this.defaultChatter)
    return true
  }

  /** The GPU files of the droplet's next command; a seeded sample is written once. */
  private hostGpu(droplet: SimDroplet): HostGpu | null {
    const gpu = this.gpuOf(droplet.id)
    if (gpu === null) return null
    const promised = promisedGpus(droplet.userData, droplet.size.gpu_info?.count)
    const seed = gpu.idleSince === null ? null : idleSample(gpu.idleSince, promised, Date.now())
    if (gpu.idleSince !== null) this.gpus.set(droplet.id, {...gpu, idleSince: null})
    return {output: gpuOutput(gpu.profile, promised), env: samplerEnv(promised), seed}
  }

  machine(droplet: SimDroplet, now: number): SimulatedMachine {
    return simulateBoot({
      profile: this.profiles.get(droplet.id) ?? this.defaultProfile,
      gpuVendor: gpuVendorOf(droplet.size),
      agentVersion: agentVersionOf(droplet),
      script: droplet.userData,
      activeAt: droplet.activeAt ?? Number.POSITIVE_INFINITY,
      now,
      bootMs: this.options.bootMs,
    })
  }

  async close(): Promise<void> {
    await this.pending.catch(() => undefined)
    await Promise.all([...this.hosts.values()].map((host) => host.stop()))
    this.hosts.clear()
    rmSync(this.dir, {recursive: true, force: true})
  }
}

/** The loopback addresses of the n-th droplet (from 1) when hosts are on: 127.1.x.y public, 127.2.x.y private. */
export function loopbackAddresses(n: number): {publicIpv4: string; privateIpv4: string} {
  const x = Math.floor(n / 254) % 256
  const y = (n % 254) + 1
  return {publicIpv4: `127.1.${x}.${y}`, privateIpv4: `127.2.${x}.${y}`}
}
