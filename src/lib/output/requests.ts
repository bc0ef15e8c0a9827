import type {DryRunRequest} from '../pool/up.js'

/** `--dry-run`: each request as it would be sent, its JSON body pretty-printed (user_data included). */
export function formatDryRun(requests: readonly DryRunRequest[]): string {
  return requests.map((r, i) => `# request ${i + 1} of ${requests.length}\n${r.method} ${r.url}\n${JSON.stringify(r.body, null, 2)}\n`).join('\n')
}
