import type {Completion} from './candidates.js'

/**
 * What `__complete` prints: one candidate a line, `value<TAB>description` (zsh and fish show the description,
 * bash drops it), then the directive as the last line (`:files` or `:none`). The shell scripts of
 * scripts.ts read exactly this.
 */
export function formatCompletion(completion: Completion): string {
  const lines = completion.candidates
    // A value with a line break or tab would split into bogus candidates; no command takes one.
    .filter((c) => c.value !== '' && !/[\p{Cc}]/u.test(c.value))
    .map((c) => (c.description ? `${c.value}\t${oneLine(c.description)}` : c.value))
  return [...lines, `:${completion.directive}`].join('\n') + '\n'
}

const MAX_DESCRIPTION = 70

/** Descriptions share a terminal line with the value: first line, no control characters, cut short. */
function oneLine(text: string): string {
  const line = (text.split('\n')[0] ?? '').replace(/[\p{Cc}]/gu, ' ').trim()
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION - 1).trimEnd()}…` : line
}
