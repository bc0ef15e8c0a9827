import * as Flags from '@oclif/core/flags'

/** Flags shared by several commands, defined once so their help text and parsing never drift apart. */
export const configFlag = Flags.string({
  char: 'c',
  description: 'Velda config file [default: $VELDA_DO_CONFIG, then ./velda-do.yaml, then ./velda.yaml]',
  helpValue: 'PATH',
})

export const brokerFlag = Flags.string({
  description: "broker address written into the agent's config [default: the pool's agent_config.broker, then default_broker_info]",
  helpValue: 'HOST:PORT',
})

export const agentVersionFlag = Flags.string({
  description: 'Velda agent release to install [default: agent_version_override]; does not change the pool prefix',
  helpValue: 'VERSION',
})

export const apiEndpointFlag = Flags.string({
  description: 'DigitalOcean API endpoint [default: $DIGITALOCEAN_API_ENDPOINT, then https://api-amd.digitalocean.com]',
  helpValue: 'URL',
})

/** `--format` and `--no-header` of every table command (pool list, sizes, regions, ssh-keys), as doctl spells them. */
export const tableFlags = {
  format: Flags.string({
    description: 'columns to print, comma-separated, in this order (names as in the header, any case, spaces optional: Name,ID,PublicIPv4); rows only, no notes',
    helpValue: 'COLUMNS',
    exclusive: ['json'],
  }),
  'no-header': Flags.boolean({description: 'print the rows without the header line (for awk and cut); rows only, no notes', exclusive: ['json']}),
}

/**
 * Flags that were renamed: still parsed (hidden) so that the old spelling gets the new name and the reason, not
 * "Nonexistent flag", and never quietly means what a doctl user would not expect. The base command refuses them.
 */
export const renamedForceFlag = {force: Flags.boolean({hidden: true})}
export const renamedOutputFlag = {output: Flags.string({char: 'o', hidden: true})}

export const RENAMED_FLAGS: Readonly<Record<string, {now: string; why: string}>> = {
  force: {now: '--ignore-limits', why: "it goes past the pool's min_agents/max_agents; in doctl --force skips the confirmation, which is -y/--yes here"},
  output: {now: '--output-file', why: 'in doctl and kubectl -o/--output picks an output format'},
}

export const quietFlag = Flags.boolean({char: 'q', description: 'no progress on stderr (spinners, waits, retries); warnings and errors still print'})
