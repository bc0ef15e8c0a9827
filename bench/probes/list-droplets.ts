// Lists every droplet of the account through velda-do's API layer and reports requests, time and peak memory.
// Run by bench/run.mjs (bundled on the fly) against a simulator holding many droplets.
import {createDigitalOceanApi} from '../../src/lib/do/client.js'
import {Secret} from '../../src/lib/base/secret.js'

const api = await createDigitalOceanApi({endpoint: process.env.SIM_URL ?? '', token: new Secret(process.env.SIM_TOKEN ?? '')})
const started = performance.now()
const droplets = await api.listDroplets({tagName: 'velda'})
const ms = performance.now() - started
process.stdout.write(`${JSON.stringify({droplets: droplets.length, ms, maxRssMb: process.resourceUsage().maxRSS / 1024})}\n`)
