import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import {confirm, isInteractive} from '../../lib/cli/confirm.js'
import {apiEndpointFlag, configFlag, renamedForceFlag} from '../../lib/cli/flags.js'
import {paint} from '../../lib/cli/style.js'
import {findPool} from '../../lib/config/load.js'
import {CancelledError, GuardError, InterruptedError, UsageError, type VeldaError} from '../../lib/errors.js'
import {formatDroplets} from '../../lib/output/droplets.js'
import {printable} from '../../lib/output/printable.js'
import {planPoolDown, type PoolDownResult, runPoolDown} from '../../lib/pool/down.js'
import type {PoolDroplet} from '../../lib/pool/droplets.js'
import type {Selection} from '../../lib/pool/scale-down.js'
import {plural} from '../../lib/plural.js'

/** One way of choosing, never two: `--all --name X` must not mean "all". */
const SELECTORS = ['count', 'all', 'name', 'id']

export type PoolDownOutput = PoolDownResult | {pool: string; dry_run: true; would_delete: PoolDroplet[]}

export default class PoolDown extends ApiCommand<PoolDownOutput> {
  static override summary = 'Delete droplets of a pool, and never a droplet outside it.'
  static override description = [
    '--count picks droplets that are not active yet first, then the newest. A --name or --id that is not in the pool stops everything (exit 2, nothing deleted). Going below min_agents needs --ignore-limits.',
    'On a terminal it lists the droplets and asks; answering no (or Ctrl-C) deletes nothing and exits 130. Without a terminal it needs --yes. Deletes run 20 at a time; a droplet already gone counts as deleted.',
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
    count: Flags.integer({char: 'n', description: 'how many droplets to delete', min: 1, exactlyOne: SELECTORS}),
    all: Flags.boolean({description: 'delete every droplet of the pool', exactlyOne: SELECTORS}),
    name: Flags.string({description: 'a droplet to delete, by name (repeatable)', multiple: true, exactlyOne: SELECTORS}),
    id: Flags.integer({description: 'a droplet to delete, by id (repeatable)', multiple: true, exactlyOne: SELECTORS}),
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required without a terminal)'}),
    'ignore-limits': Flags.boolean({description: "go below the pool's min_agents"}),
    ...renamedForceFlag,
    'dry-run': Flags.boolean({description: 'show what would be deleted and exit'}),
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  async run(): Promise<PoolDownOutput> {
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
    if (!flags['dry-run'] && !flags.yes && !isInteractive()) {
      throw new GuardError('pool down deletes droplets: without a terminal to confirm on, pass --yes', {suggestions: ['add --yes (or --dry-run to see what would go)']})
    }
    const stop = this.stopSignals()
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    // A dry run changes nothing: it need not wait for anyone.
    if (!flags['dry-run']) await this.lockPool(api, pool.name)
    const {chosen, sharedLeftAlone} = await planPoolDown(api, pool, selection, flags['ignore-limits'], config.pools)
    if (sharedLeftAlone.length > 0) {
      this.say(paint.warning(`left alone: ${plural(sharedLeftAlone.length, 'droplet')} that another configured pool may own too (${sharedLeftAlone.map((d) => printable(d.name)).join(', ')}); delete them with --name or --id`))
    }
    const nothingDeleted = {pool: pool.name, deleted: [], failed: []}
    if (stop.isStopped()) throw new InterruptedError('stopped before deleting: nothing was deleted', {partialResult: nothingDeleted})
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) {
        const header = chosen.length > 0 ? `would delete ${plural(chosen.length, 'droplet')} of pool ${pool.name} (nothing deleted):` : `would delete nothing: pool ${pool.name} has no droplets to delete`
        process.stdout.write(`${printable(header)}\n${chosen.length > 0 ? formatDroplets(chosen, Date.now()) : ''}`)
      }
      return {pool: pool.name, dry_run: true, would_delete: chosen}
    }
    if (chosen.length === 0) {
      if (!this.jsonEnabled()) this.info(`pool ${pool.name} has no droplets to delete`)
      return {pool: pool.name, deleted: [], failed: []}
    }
    if (!flags.yes) {
      process.stderr.write(formatDroplets(chosen, Date.now()))
      const answer = await confirm(chosen.length === 1 ? `Delete this droplet of pool ${pool.name}?` : `Delete these ${chosen.length} droplets of pool ${pool.name}?`, stop)
      if (answer === 'stopped') throw new InterruptedError('cancelled at the prompt: nothing was deleted', {partialResult: nothingDeleted})
      if (answer === 'no') throw new CancelledError('cancelled: nothing was deleted', {partialResult: nothingDeleted})
    }
    const progress = await this.startProgress()
    try {
      const result = await runPoolDown(api, pool, chosen, {all: 'all' in selection, configured: config.pools}, {isInterrupted: stop.isStopped, onProgress: (text) => progress.update(text)})
      progress.succeed(`deleted ${plural(result.deleted.length, 'droplet')} of pool ${pool.name}`)
      this.printOutcome(result)
      return result
    } catch (error) {
      // Stopped or partly failed: what is gone and what is not must be on the screen too, not only in --json.
      const partial = (error as VeldaError).partialResult as Partial<PoolDownResult> | undefined
      if (partial?.deleted) {
        if (error instanceof InterruptedError) progress.warn(`stopped: ${partial.deleted.length} of ${plural(chosen.length, 'droplet')} deleted, listed below`)
        else progress.fail(`deleted ${partial.deleted.length} of ${plural(chosen.length, 'droplet')}`)
        this.printOutcome({pool: pool.name, deleted: partial.deleted, failed: partial.failed ?? []})
      }
      throw error
    }
  }

  private printOutcome(result: PoolDownResult): void {
    if (this.jsonEnabled()) return
    for (const d of result.deleted) this.log(printable(`deleted ${d.name} (${d.id})`))
    for (const d of result.failed) this.say(printable(`not deleted: ${d.name} (${d.id}): ${d.error}`))
    for (const d of result.remaining ?? []) this.say(printable(`still there: ${d.name} (${d.id})`))
  }
}
