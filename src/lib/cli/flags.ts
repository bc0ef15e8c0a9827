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
