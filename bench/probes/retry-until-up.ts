// pool up -n 25 --retry-until-up against capacity that frees 5 every 30 s (10 free at the start), run in-process
// on one fake clock shared by the simulator and the run, so that the figure is the run's own decisions (tries,
// POSTs, how long after the last place freed it noticed) and not the machine's speed. Run by bench/run.mjs.
import {createDigitalOceanApi} from '../../src/lib/do/client.js'
import {Secret} from '../../src/lib/base/secret.js'
import {parseConfig} from '../../src/lib/config/parse.js'
import {parseCapacitySpecs} from '../../src/lib/simulator/capacity.js'
import {startSimulator} from '../../src/lib/simulator/server.js'
import {poolUp} from '../../src/lib/pool/pool-up.js'

const yaml = `agent_pools:
  - name: amd
    auto_scaler:
      backend:
        digitalocean_droplet: {size: gpu-mi300x1-192gb-devcloud, region: atl1, image: amd-rocm71software, agent_version_override: v1.1.4}
`
const pool = parseConfig(yaml, {file: 'bench.yaml', env: {}}).config?.pools[0]
if (!pool) throw new Error('the bench pool does not parse')
const start = Date.UTC(2026, 11, 4, 12, 0, 0)
let now = start
const clock = () => now
const sleep = async (ms: number) => {
  now += ms
}
const sim = await startSimulator({now: clock, activeAfterMs: () => null, capacity: parseCapacitySpecs(['gpu-mi300x1-192gb-devcloud@atl1=10,+5/30s'])})
try {
  const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), now: clock, sleep, random: Math.random})
  const started = performance.now()
  const outcome = await poolUp(api, {pool, count: 25, force: false, userData: '#!/bin/bash\n', wait: null, retryUntilUp: {timeoutMs: 7_200_000}}, {
    sleep, now: clock, random: Math.random, isInterrupted: () => false, onProgress: () => {},
  })
  const requests = sim.requests()
  const posts = requests.filter((r) => r.method === 'POST' && r.path === '/v2/droplets')
  process.stdout.write(`${JSON.stringify({
    created: outcome.created.length,
    error: outcome.error?.message ?? null,
    tries: outcome.tries,
    posts: posts.length,
    refused: posts.filter((r) => r.status === 422).length,
    requests: requests.length,
    // The last 5 places free at 90 s on the capacity's clock: anything past it is the run noticing late.
    simulatedMs: now - start,
    cpuMs: performance.now() - started,
  })}\n`)
} finally {
  await sim.close()
}
