import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {type CoreOptions, type RequestLogEntry, type SeedDroplets, SimulatorCore} from './core.js'
import type {FaultRule} from './faults.js'
import {randomHex, seededRandom} from './random.js'

export interface SimulatorOptions extends Omit<CoreOptions, 'token'> {
  /** 127.0.0.1 unless asked otherwise. */
  host?: string
  /** 0: any free port. */
  port?: number
  /** The token clients must present; generated from the seed when absent. */
  token?: string
  /** Added to every API answer, to make a laptop feel like a network. */
  latencyMs?: number
  /** Told about every API request once answered (the `simulator` command prints them). */
  onRequest?: (entry: RequestLogEntry) => void
}

export interface Simulator {
  /** The endpoint to give velda-do: `http://127.0.0.1:PORT`. */
  url: string
  token: string
  core: SimulatorCore
  addFault(rule: FaultRule): void
  seedDroplets(seed: SeedDroplets): {id: number; name: string}[]
  requests(): RequestLogEntry[]
  counts(): Record<string, number>
  close(): Promise<void>
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Starts the simulator on a local port; in-process for tests, and behind `velda-do simulator` for users. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  // Shaped like a real token (dop_v1_ + 64 hex), so velda-do treats it like one; never valid anywhere else.
  const token = options.token ?? `dop_v1_${randomHex(seededRandom((options.seed ?? 1) ^ 0x70c3), 64)}`
  const core = new SimulatorCore({...options, token})
  const latency = options.latencyMs ?? 0

  const server = createServer((req, res) => {
    void serve(core, req, res, latency, options.onRequest)
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

  return {
    url,
    token,
    core,
    addFault: (rule) => core.faults.add(rule),
    seedDroplets: (seed) => core.seedDroplets(seed).map((d) => ({id: d.id, name: d.name})),
    requests: () => [...core.log],
    counts: () => core.counts(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function serve(core: SimulatorCore, req: IncomingMessage, res: ServerResponse, latency: number, onRequest: SimulatorOptions['onRequest']): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const {answer, entry} = core.handle({
    method: (req.method ?? 'GET').toUpperCase(),
    url: req.url ?? '/',
    authorization: req.headers.authorization,
    body: Buffer.concat(chunks).toString('utf8'),
  })
  const delay = (entry ? latency : 0) + (answer.delayMs ?? 0)
  if (delay > 0) await wait(delay)
  if (entry) onRequest?.(entry)
  if (answer.kind === 'drop') {
    req.socket.destroy()
    return
  }
  res.writeHead(answer.status, answer.headers)
  res.end(answer.body ?? undefined)
}
