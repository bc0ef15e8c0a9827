import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {apiEndpointFlag, configFlag, renamedForceFlag} from '../../lib/cli/flags.js'
import {isInteractive} from '../../lib/cli/io.js'
import {findPool} from '../../lib/config/load.js'
import {GuardError, InterruptedError, UsageError} from '../../lib/base/errors.js'
import {formatDroplets} from '../../lib/output/droplet-table.js'
import {printable} from '../../lib/text/printable.js'
import {planPoolDown, type PoolDownOutcome, type PoolDownResult, runPoolDown} from '../../lib/pool/pool-down.js'
import type {PoolDroplet} from '../../lib/pool/membership.js'
import type {Selection} from '../../lib/pool/delete-selection.js'
import {inflect, plural} from '../../lib/text/plural.js'

const REFUSAL = 'pool down deletes droplets: without a terminal to confirm on, pass --yes'

/** One way of choosing, never two: `--all --name X` must not mean "all". */
const SELECTORS = ['count', 'all', 'name', 'id']

export type PoolDownOutput = PoolDownOutcome | {pool: string; dry_run: true; would_delete: PoolDroplet[]}

export default class PoolDown extends ApiCommand<PoolDownOutput> {
  static override summary = 'Delete droplets of a pool, and never a droplet outside it.'
  // The names doctl and gh users type.
  static override hiddenAliases = ['pool:rm', 'pool:delete']
  static override description = [
    '--count picks droplets that are not active yet first, then the newest. A --name or --id that is not in the pool stops everything (exit 2, nothing deleted). Going below min_agents needs --ignore-limits.',
    'On a terminal it lists the droplets and asks; answering no (or Ctrl-C) deletes nothing and exits 130. Without a terminal it needs --yes. Up to 20 droplets are deleted one request each, at once; more by a tag made for this one delete, in a handful of requests; a droplet already gone counts as deleted.',
  ].join('\n\n')

  static override examples = [
    {description: 'Remove two droplets, asking first', command: '<%= config.bin %> <%= command.id %> amd-mi300x --count 2'},
    {description: 'Remove one droplet by name, from a script', command: '<%= config.bin %> <%= command.id %> amd-mi300x --name velda-930b7ad6-k3x9q --yes --json'},
    {description: 'See what --all would delete', command: '<%= config.bin %> <%= command.id %> cpu-small --all --dry-run'},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    count: Flags.integer({char: 'n', description: 'how many droplets to delete', min: 1, exactlyOne: SELECTORS, helpValue: 'N'}),
    all: Flags.boolean({description: 'delete every droplet of the pool', exactlyOne: SELECTORS}),
    name: Flags.string({description: 'a droplet to delete, by name (repeatable)', multiple: true, exactlyOne: SELECTORS, helpValue: 'NAME'}),
    id: Flags.integer({description: 'a droplet to delete, by id (repeatable)', multiple: true, exactlyOne: SELECTORS, helpValue: 'ID'}),
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required without a terminal)'}),
    'ignore-limits': Flags.boolean({description: "go below the pool's min_agents"}),
    ...renamedForceFlag,
    'dry-run': Flags.boolean({description: 'show what would be deleted and exit'}),
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<PoolDownOutput> {
    const {args, flags} = await this.parse(PoolDown)
    const config = this.readConfig(flags.config)
    const pool = findPool(config, args.pool)
    const selection: Selection = flags.count
      ? {count: flags.count}
      : flags.all
        ? {all: true}
        : flags.name
          ? {names: flags.name}
          : flags.id
            ? {ids: flags.id}
            : (() => {
                throw new UsageError('say which droplets: --count N, --all, --name NAME or --id ID')
              })()
    if (!flags['dry-run'] && !flags.yes && !isInteractive(this.factory.io)) {
      // Refused before any request, not only once the droplets are chosen.
      throw new GuardError(REFUSAL, {suggestions: ['add --yes (or --dry-run to see what would go)']})
    }
    const stop = this.stopSignals()
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    // A dry run changes nothing: it need not wait for anyone.
    if (!flags['dry-run']) await this.lockPool(api, pool.name)
    const {chosen, sharedLeftAlone} = await planPoolDown(api, pool, selection, flags['ignore-limits'], config.pools)
    if (sharedLeftAlone.length > 0) {
      this.say(this.paint.warning(`left alone: ${plural(sharedLeftAlone.length, 'droplet')} that another configured pool may own too (${sharedLeftAlone.map((d) => printable(d.name)).join(', ')}); delete them with --name or --id`))
    }
    const nothingDeleted = {pool: pool.name, deleted: [], failed: []}
    if (stop.isStopped()) throw new InterruptedError('stopped before deleting: nothing was deleted', {partialResult: nothingDeleted})
    if (flags['dry-run']) return {pool: pool.name, dry_run: true, would_delete: chosen}
    if (chosen.length === 0) {
      this.info(`pool ${pool.name} has no droplets to delete`)
      return nothingDeleted
    }
    const question = `Delete ${inflect(chosen.length, 'this droplet', `these ${plural(chosen.length, 'droplet')}`)} of pool ${pool.name}?`
    await this.confirmDeletion(chosen, question, {yes: flags.yes, refusal: REFUSAL, nothingDone: nothingDeleted})
    const progress = await this.startProgress()
    return runPoolDown(api, pool, chosen, {all: 'all' in selection, configured: config.pools}, {isInterrupted: stop.isStopped, onProgress: (text) => progress.update(text)})
  }

  protected override render(result: PoolDownOutput): string {
    if ('dry_run' in result) {
      const {would_delete: chosen, pool} = result
      if (chosen.length === 0) return `would delete nothing: pool ${printable(pool)} has no droplets to delete\n`
      return `would delete ${plural(chosen.length, 'droplet')} of pool ${printable(pool)} (nothing deleted):\n${formatDroplets(chosen, this.now(), this.stdoutFit)}`
    }
    return deletedLines(result)
  }

  protected override finished(result: PoolDownOutput): string {
    return 'dry_run' in result ? 'dry run' : `deleted ${plural(result.deleted.length, 'droplet')} of pool ${result.pool}`
  }

  /** Stopped or partly failed: what is gone and what is not is on the screen too, not only in --json. */
  protected override renderFailure(partial: Failed<PoolDownOutput>): FailureView | null {
    if ('dry_run' in partial) return null
    const attempted = plural(partial.deleted.length + partial.failed.length + (partial.remaining?.length ?? 0), 'droplet')
    return {
      progress: partial.error instanceof InterruptedError ? `stopped: ${partial.deleted.length} of ${attempted} deleted, listed below` : `deleted ${partial.deleted.length} of ${attempted}`,
      stdout: deletedLines(partial),
      stderr: [
        ...partial.failed.map((d) => `not deleted: ${d.name} (${d.id}): ${d.error}`),
        ...(partial.remaining ?? []).map((d) => `still there: ${d.name} (${d.id})`),
      ],
    }
  }
}

function deletedLines(result: PoolDownResult): string {
  return result.deleted.map((d) => `${printable(`deleted ${d.name} (${d.id})`)}\n`).join('')
}
