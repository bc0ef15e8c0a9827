import {randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {type CoreOptions, type RequestLogEntry, SimulatorCore} from './core.js'
import type {AnsweredExchange} from './trace-record.js'
import type {SeedDroplets} from './droplet-store.js'
import {type FaultRule, parseFaultRule} from './faults.js'
import {allowedHosts, type GateOptions, hostSecrets, refusal} from './gate.js'
import {randomHex, seededRandom} from './random.js'
import {redactText} from './redact.js'
import {loopbackAddresses, SimulatedHosts} from './hosts/hosts.js'
import {hostsRoute} from './hosts/routes.js'
import {findSshd} from './hosts/sshd.js'
import type {Replay} from './replay.js'
import {serveReplay} from './replay-server.js'

export interface SimulatorOptions extends Omit<CoreOptions, 'token'> {
  /** 127.0.0.1 unless asked otherwise. */
  host?: string
  /** 0: any free port. */
  port?: number
  /** The token clients must present: derived from `seed` when absent and seeded, random (per run) otherwise. */
  token?: string
  /** Added to every API answer, to make a laptop feel like a network. */
  latencyMs?: number
  /** Told about every API request once answered (the `simulator` command prints them). */
  onRequest?: (entry: RequestLogEntry) => void
  /**
   * Told, in one line, of a request the simulator failed to answer (a bug, or a fault that broke the answer): it
   * answered 500 and serves on. Stderr when absent.
   */
  onError?: (line: string) => void
  /**
   * Machines behind the droplets (docs/simulator.md, "Hosts"): each droplet gets a loopback address and an
   * OpenSSH server there that answers as its boot goes. Needs sshd, ssh-keygen and bwrap.
   */
  hosts?: {authorizedKeys: string; port?: number; bootMs?: number; latencyMs?: number}
  /** Answer the API from this trace instead of simulating it (docs/simulator.md, "Replaying a trace"). */
  replay?: Replay
  /** Told each API exchange once answered, to write it as a trace line (trace-record.ts). */
  record?: (exchange: AnsweredExchange) => void
}

export interface Simulator {
  /** The endpoint to give velda-do: `http://127.0.0.1:PORT`. */
  url: string
  token: string
  core: SimulatorCore
  /** The simulated hosts, when asked for. */
  hosts: SimulatedHosts | null
  /** Resolves once every droplet's host is up (after creates): dial only then. */
  hostsReady(): Promise<void>
  addFault(rule: FaultRule): void
  seedDroplets(seed: SeedDroplets): {id: number; name: string}[]
  requests(): RequestLogEntry[]
  counts(): Record<string, number>
  close(): Promise<void>
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Starts the simulator on a local port; in-process for tests, and behind `velda-do simulator` for users. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const token = options.token ?? simulatorToken(options.seed)
  let origin = 'http://127.0.0.1'
  const hostSecret = hostSecrets()
  const hosts: SimulatedHosts | null = options.hosts ? await startHosts(options.hosts, () => origin, hostSecret) : null
  const core: SimulatorCore = new SimulatorCore({...options, token, ...(hosts ? {addresses: loopbackAddresses} : {})})
  const latency = options.latencyMs ?? 0

  let gate: GateOptions = {token, hosts: new Set(), hostSecret}
  const onError = options.onError ?? ((line: string) => process.stderr.write(`${line}\n`))
  const server = createServer((req, res) => {
    // Whatever throws while a request is answered ends that request with a 500, never the simulator (and its hosts).
    serve(core, req, res, latency, {...options, onError}, hosts, gate).catch((error: unknown) => answerFailure(req, res, error, token, onError))
  })
  // Keep-alive sockets would hold close() open; the simulator answers each request and lets go.
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  core.origin = url
  origin = url
  gate = {...gate, hosts: allowedHosts(address.address, address.port)}

  return {
    url,
    token,
    core,
    hosts,
    hostsReady: () => hosts?.sync(core.allDroplets()) ?? Promise.resolve(),
    // Checked as the admin API and --fault check it: a test's rule gets the same refusals (patch-json paths).
    addFault: (rule) => core.faults.add(parseFaultRule(rule)),
    seedDroplets: (seed) => core.seedDroplets(seed).map((d) => ({id: d.id, name: d.name})),
    requests: () => [...core.log],
    counts: () => core.counts(),
    close: async () => {
      await hosts?.close()
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}

async function serve(
  core: SimulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  latency: number,
  {onRequest, onError, replay, record}: Pick<SimulatorOptions, 'onRequest' | 'replay' | 'record'> & {onError: (line: string) => void},
  hosts: SimulatedHosts | null,
  gate: GateOptions,
): Promise<void> {
  // As the core reads it (URL.pathname, dot segments resolved): the gate and the routes agree on what is admin.
  const target = req.url ?? '/'
  const path = URL.canParse(target, 'http://simulator') ? new URL(target, 'http://simulator').pathname : null
  const refused = path === null ? {status: 400, json: {error: 'the request target is not a URL path'}} : refusal((req.method ?? 'GET').toUpperCase(), path, req.headers, gate)
  if (refused !== null || path === null) {
    // Not read, not logged: nothing of a refused request reaches the simulator's state.
    req.resume()
    res.writeHead(refused?.status ?? 400, {'content-type': 'application/json; charset=utf-8'})
    res.end(JSON.stringify(refused?.json ?? {}))
    return
  }
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString('utf8')
  const method = (req.method ?? 'GET').toUpperCase()
  if (replay && !(path === '/__sim' || path.startsWith('/__sim/'))) return serveReplay({replay, onMismatch: onError, onRequest, now: core.now}, req, res, method, body)
  if (replay && path === '/__sim/replay' && method === 'GET') {
    res.writeHead(200, {'content-type': 'application/json; charset=utf-8'})
    res.end(JSON.stringify(replay.report()))
    return
  }
  // Starting over starts the trace over too.
  if (replay && path === '/__sim/reset' && method === 'POST') replay.rewind()
  const hostAnswer = hosts ? await hostsRoute(hosts, core, method, path, body) : null
  if (hostAnswer) {
    res.writeHead(hostAnswer.status, {'content-type': 'application/json'})
    res.end(JSON.stringify(hostAnswer.json))
    return
  }
  const {answer, entry} = core.handle({
    method: (req.method ?? 'GET').toUpperCase(),
    url: req.url ?? '/',
    authorization: req.headers.authorization,
    body,
  })
  // A droplet created (or deleted) by this request gets (or loses) its host. A host that cannot start is said
  // here; hostsReady() rejects with it too.
  hosts?.sync(core.allDroplets()).catch((error: unknown) => console.error(`simulated host: ${error instanceof Error ? error.message : String(error)}`))
  const delay = (entry ? latency : 0) + (answer.delayMs ?? 0)
  if (delay > 0) {
    const abandoned = () => {
      if (entry) entry.abandonedAt = core.now()
    }
    res.once('close', abandoned)
    await wait(delay)
    res.off('close', abandoned)
  }
  if (entry) onRequest?.(entry)
  if (entry) record?.({entry, answer, answeredAt: core.now()})
  if (answer.kind === 'drop') {
    req.socket.destroy()
    return
  }
  try {
    res.writeHead(answer.status, answer.headers)
  } catch (error) {
    // A fault's status or header that HTTP cannot carry: answered 500 (answerFailure), and logged as such.
    if (entry) entry.status = 500
    throw error
  }
  res.end(answer.body ?? undefined)
}

/**
 * The answer to a request whose handling threw: 500 in DigitalOcean's error shape (`{"id": "server_error",
 * "message"}`; the admin API's `{"error"}` under /__sim/), and one line for the operator. The request's target is
 * said with the token cut out, as the request lines are.
 */
function answerFailure(req: IncomingMessage, res: ServerResponse, error: unknown, token: string, log: (line: string) => void): void {
  const target = req.url ?? '/'
  const reason = redactText((error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replaceAll(/\s+/g, ' '), token)
  log(`velda-do simulator: ${(req.method ?? 'GET').toUpperCase()} ${redactText(target, token)} failed and was answered 500 (a bug in the simulator, or a fault that broke the answer); it serves on: ${reason}`)
  req.resume()
  if (res.headersSent) {
    res.destroy()
    return
  }
  const message = `Server Error: the simulator failed to answer this request (${reason})`
  res.writeHead(500, {'content-type': 'application/json; charset=utf-8'})
  res.end(JSON.stringify(/^\/__sim(\/|$|\?)/.test(target) ? {error: message} : {id: 'server_error', message}))
}

/**
 * Shaped like a real token (dop_v1_ + 64 hex), so velda-do treats it like one; never valid anywhere else. Random
 * for each run: a token every machine shares (the one of seed 1) would open every operator's simulator. A seed
 * fixes it, as it fixes ids, for tests and demos that want the same run twice.
 */
function simulatorToken(seed: number | undefined): string {
  return `dop_v1_${seed === undefined ? randomBytes(32).toString('hex') : randomHex(seededRandom(seed ^ 0x70c3), 64)}`
}

/** The hosts all listen on one port, each on its own loopback address: find one that is free there. */
async function startHosts(options: NonNullable<SimulatorOptions['hosts']>, origin: () => string, secret: (dropletId: number) => string): Promise<SimulatedHosts> {
  const sshd = findSshd()
  if (!sshd) throw new Error('simulated hosts need OpenSSH\'s sshd (Debian: apt-get install openssh-server)')
  const port = options.port ?? (await freePort(loopbackAddresses(1).publicIpv4))
  return new SimulatedHosts({port, bootMs: options.bootMs ?? 20_000, authorizedKeys: options.authorizedKeys, sshd, simulator: origin, secret, latencyMs: options.latencyMs})
}

async function freePort(host: string): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, host, () => resolve())
  })
  const {port} = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}
