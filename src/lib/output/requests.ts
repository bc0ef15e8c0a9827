import type {DryRunRequest} from '../pool/pool-up.js'
import {plural} from '../plural.js'
import {printableCell} from './printable.js'

/** The first line of `pool up --dry-run`: what would happen, and that it did not. */
export function dryRunHeader(count: number, requests: number): string {
  return `# would create ${plural(count, 'droplet')} in ${plural(requests, 'request')} (nothing sent)`
}

/** `--dry-run`: each request as it would be sent, its JSON body pretty-printed (user_data included). */
export function formatDryRun(requests: readonly DryRunRequest[]): string {
  return requests.map((r, i) => `# request ${i + 1} of ${requests.length}\n${printableCell(`${r.method} ${r.url}`)}\n${printableJson(r.body)}\n`).join('\n')
}

/**
 * JSON.stringify escapes C0 controls but leaves DEL and the C1 controls raw, which a terminal may obey: write those
 * as JSON escapes too, so the body stays valid JSON that reads back to exactly what would be sent.
 */
function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
