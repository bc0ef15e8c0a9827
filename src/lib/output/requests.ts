import type {DryRunRequest} from '../pool/pool-up.js'
import {plural} from '../text/plural.js'
import {jsonText} from './json-text.js'
import {printableCell} from '../text/printable.js'

/** The first line of `pool up --dry-run`: what would happen, and that it did not. */
export function dryRunHeader(count: number, requests: number): string {
  return `# would create ${plural(count, 'droplet')} in ${plural(requests, 'request')} (nothing sent)`
}

/** `--dry-run`: each request as it would be sent, its JSON body pretty-printed (user_data included). */
export function formatDryRun(requests: readonly DryRunRequest[]): string {
  return requests.map((r, i) => `# request ${i + 1} of ${requests.length}\n${printableCell(`${r.method} ${r.url}`)}\n${jsonText(r.body)}\n`).join('\n')
}
