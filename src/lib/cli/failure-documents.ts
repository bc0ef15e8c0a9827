/**
 * What a command's `--json` failure document holds beside `error` when it failed before its operation returned
 * anything (a refusal, a bad flag, a config or API failure before the first change): its documented keys, empty
 * (docs/cli.md, "Errors for scripts"). A script reading `.created[]` or `.results[]` then reads an empty list
 * instead of failing on `null` exactly when something went wrong. An outcome an operation returned carries its own
 * keys (what it did); these are only for what was thrown.
 *
 * Empty means: a list is `[]`, anything else `null` unless the command line says it (`pool`, `requested`,
 * `target`). `test/docs/outcome-contract.test.ts` holds each to the command's result type, key for key.
 */

/** The command line as parsed; empty when the parse itself failed (a bad flag). */
export interface ParsedLine {
  args: Record<string, unknown>
  flags: Record<string, unknown>
}

type Document = Record<string, unknown>

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null)

/** By oclif's command id. Commands not here (simulator, the hidden __complete) print the error alone. */
const DOCUMENTS: Record<string, (line: ParsedLine) => Document> = {
  'pool:up': ({args, flags}) => flags['dry-run'] === true
    ? {pool: text(args.pool), requested: number(flags.count), dry_run: true, cost: null, requests: []}
    : {pool: text(args.pool), requested: number(flags.count), created: [], failed: [], cost: null},
  'pool:scale': ({args, flags}) => flags['dry-run'] === true
    ? {pool: text(args.pool), before: null, target: number(flags.to), dry_run: true, would_create: 0, would_delete: []}
    : {pool: text(args.pool), before: null, target: number(flags.to), created: [], deleted: [], failed: []},
  'pool:down': ({args, flags}) => flags['dry-run'] === true
    ? {pool: text(args.pool), dry_run: true, would_delete: []}
    : {pool: text(args.pool), deleted: [], failed: []},
  'pool:reap': ({flags}) => (flags['dry-run'] === true ? {dry_run: true, would_reap: [], kept: []} : {reaped: [], failed: [], kept: []}),
  'pool:list': () => ({droplets: [], pools: []}),
  'pool:status': ({args}) => ({pool: text(args.pool), members: [], healthy: 0}),
  'pool:top': ({args}) => ({pool: text(args.pool), members: [], healthy: 0}),
  'pool:logs': ({args, flags}) => ({pool: text(args.pool), member: null, source: flags.agent === true ? 'agent' : 'boot', lines: [], cut_bytes: 0}),
  'pool:ssh': ({args, flags}) => (flags.all === true
    ? {pool: text(args.pool), command: null, results: []}
    : {pool: text(args.pool), command: null, member: null, exit_code: null, state: null, stdout: '', stderr: '', stdout_cut_bytes: 0, stderr_cut_bytes: 0}),
  sizes: () => ({sizes: []}),
  regions: () => ({regions: []}),
  'ssh-keys': () => ({ssh_keys: [], missing_configured_ids: [], missing_configured_keys: []}),
  doctor: () => ({accounts: [], pools: [], ok: false}),
  'config:validate': ({flags}) => ({file: text(flags.config), valid: false, pools: [], unchecked: [], warnings: []}),
  'config:init': ({args, flags}) => ({path: text(args.path) ?? text(flags.config), cloud: text(flags.cloud)}),
  'render-userdata': ({args, flags}) => ({pool: text(args.pool), bytes: null, broker: null, agent_version: null, secrets: flags['show-secrets'] === true ? 'shown' : 'redacted', output: text(flags['output-file']), user_data: null}),
  help: ({args}) => ({subject: typeof args.command === 'string' ? args.command.split(' ') : [], help: null}),
  completion: ({args}) => ({shell: text(args.shell), script: null}),
}

/** The keys to print beside `error` for a failure of `commandId` that returned no outcome; {} for a command without. */
export function failureDocument(commandId: string | undefined, line: ParsedLine | null): Document {
  const document = commandId === undefined ? undefined : DOCUMENTS[commandId]
  return document ? document(line ?? {args: {}, flags: {}}) : {}
}
