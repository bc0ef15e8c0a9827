// What the live test runs against, read from the environment, and the throwaway config it writes.
import {randomBytes} from 'node:crypto'

export const OPT_IN = 'VELDA_DO_LIVE_TEST'

/**
 * The run's settings, or `{skip}` with the reason. Both the token and the opt-in are required: a token alone is
 * common on a developer's machine, and this run costs money.
 */
export function liveSettings(env) {
  if (!env.DIGITALOCEAN_API_TOKEN) return {skip: 'DIGITALOCEAN_API_TOKEN is not set'}
  if (env[OPT_IN] !== '1') return {skip: `${OPT_IN}=1 is not set (the live test creates a real droplet, which costs money)`}
  const sshKeyIds = (env.VELDA_DO_LIVE_SSH_KEY_ID ?? '').split(',').map((id) => id.trim()).filter(Boolean)
  const badKey = sshKeyIds.find((id) => !/^[1-9][0-9]{0,9}$/.test(id))
  if (badKey !== undefined) throw new Error(`VELDA_DO_LIVE_SSH_KEY_ID: "${badKey}" is not an ssh key id (velda-do ssh-keys lists them)`)
  // A fresh id per run: it makes the pool's name and, through the agent version, its prefix unique.
  const runId = randomBytes(4).toString('hex')
  return {
    runId,
    pool: `live-${runId}`,
    // The prefix hashes size, region, image, ssh keys and this version: a version no release has makes a prefix no
    // real pool (and no broker) shares, so `pool down --all` can only ever find this run's droplet.
    agentVersion: `0.0.0-live-${runId}`,
    size: env.VELDA_DO_LIVE_SIZE || null,
    region: env.VELDA_DO_LIVE_REGION || null,
    image: env.VELDA_DO_LIVE_IMAGE || 'ubuntu-24-04-x64',
    sshKeyIds: sshKeyIds.map(Number),
    waitTimeout: env.VELDA_DO_LIVE_WAIT_TIMEOUT || '10m',
    pollInterval: env.VELDA_DO_LIVE_POLL_INTERVAL || '5s',
    endpoint: env.DIGITALOCEAN_API_ENDPOINT ? hideCredentials(env.DIGITALOCEAN_API_ENDPOINT) : 'https://api-amd.digitalocean.com (the default)',
  }
}

/**
 * The cheapest size that can be created now, and a region that offers it and is open: from `sizes --available`
 * and `regions --available`, narrowed by VELDA_DO_LIVE_SIZE / VELDA_DO_LIVE_REGION when given.
 */
export function pickSizeAndRegion(sizes, regions, wanted) {
  const open = new Set(regions.filter((r) => r.available).map((r) => r.slug))
  const candidates = sizes
    .filter((s) => s.available && (!wanted.size || s.slug === wanted.size))
    .map((s) => ({size: s, regions: s.regions.filter((r) => open.has(r) && (!wanted.region || r === wanted.region))}))
    .filter((c) => c.regions.length > 0)
    .sort((a, b) => a.size.price_hourly - b.size.price_hourly || a.size.slug.localeCompare(b.size.slug))
  const best = candidates[0]
  if (!best) {
    const what = [wanted.size && `size ${wanted.size}`, wanted.region && `region ${wanted.region}`].filter(Boolean).join(' in ')
    throw new Error(`no available size${what ? ` matches ${what}` : ''} in an available region`)
  }
  return {size: best.size.slug, priceHourly: best.size.price_hourly, region: best.regions[0]}
}

/** One pool, at most one droplet, whose agent can join nothing: `.invalid` never resolves (RFC 2606). */
export function liveConfig({pool, size, region, image, sshKeyIds, agentVersion}) {
  const q = JSON.stringify
  return `# Written by npm run test:live for one run; deleted when it ends.
default_broker_info: {address: "broker.invalid:50051"}
agent_pools:
  - name: ${q(pool)}
    auto_scaler:
      max_agents: 1
      min_agents: 0
      backend:
        digitalocean_droplet:
          size: ${q(size)}
          region: ${q(region)}
          image: ${q(image)}
          ssh_key_ids: [${sshKeyIds.join(', ')}]
          agent_version_override: ${q(agentVersion)}
          agent_config: {}
`
}

function hideCredentials(endpoint) {
  return endpoint.replace(/\/\/[^/@]*@/, '//<credentials>@')
}
