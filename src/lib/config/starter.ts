import {closeSync, openSync, writeSync} from 'node:fs'

import {SettingsError} from '../base/errors.js'
import {CLOUDS, type CloudId, DEFAULT_CLOUD} from './clouds.js'

/** Where `config init` writes when given no path: the last file velda-do looks for, and the broker's usual name. */
export const STARTER_DEFAULT_PATH = 'velda.yaml'

/**
 * The starter config for `cloud`: one MI300X pool, valid as written (for velda-do and for the broker), with every
 * value a user must change marked "CHANGE" (doctor reports the marks left: change-marks.ts). The endpoint, size and
 * image are named explicitly, each with where the name was seen: the broker's own default endpoint
 * (api-amd.digitalocean.com) has moved. Optional settings are commented out, so uncommenting one is all it takes.
 */
export function starterConfig(cloudId: CloudId): string {
  const cloud = CLOUDS[cloudId]
  return `# A Velda config with one pool of AMD MI300X GPU droplets on ${cloud.name}, read by velda-do and by the Velda broker alike.
# Written by \`velda-do config init --cloud ${cloud.id}\`. Check it with: velda-do config validate -c <this file>
# Nothing secret belongs here: the API token comes from $DIGITALOCEAN_API_TOKEN, the Tailscale key from its own
# variable. The token here is ${cloud.token}.
# A value marked CHANGE is a placeholder: set it, then delete its CHANGE comment (velda-do doctor reports every mark
# left, and a pool without ssh_key_ids).

default_broker_info:
  address: "broker.example.com:50051"     # CHANGE: where agents reach your Velda broker (host:port)

provisioners:
  - digitalocean_auto:
      # Seen in ${cloud.endpointSeen}.
      # velda-do doctor checks that your token works there.
      api_endpoint: ${cloud.endpoint}
      region: atl1                                      # \`velda-do regions --available\` lists the others
      agent_version_override: "v1.1.4"                  # CHANGE: the Velda release the droplets install (a tag of velda-io/velda)
      # ssh_key_ids: [52896465]                         # keys let you log in; \`velda-do ssh-keys\` lists yours
      # labels:                                         # each becomes a droplet tag key:value
      #   environment: production
      # tailscale_config:                               # join a tailnet at boot
      #   pre_auth_key: "\${TAILSCALE_AUTH_KEY}"         # velda-do reads the variable; the broker reads this text as it is
      autoscaler_config:                                # the default of every pool below
        max_agents: 4                                   # pool up refuses to go past this (MI300X bill by the hour)
        min_agents: 0
        max_idle_agents: 1                              # a running broker deletes idle droplets past this many...
        idle_decay: "300s"                              # ...once idle this long (seconds, with an s)
      pool_details:
        - pool_name: amd-mi300x                         # velda-do pool up amd-mi300x -n 1
          # One MI300X, seen in ${cloud.sizeSeen}.
          # velda-do sizes --gpu lists your account's sizes; velda-do doctor checks that this one is there.
          size: ${cloud.size}
          # Seen in ${cloud.imageSeen}.
          # velda-do doctor checks that your account has it.
          image: ${cloud.image}
          description: ${cloud.description}
`
}

/** The starter written when no cloud is named and nobody is asked. */
export const STARTER_CONFIG = starterConfig(DEFAULT_CLOUD)

/**
 * Writes the starter config to `path`, never over anything: O_EXCL fails on an existing file, directory or
 * symlink (even a dangling one), so an existing config is never lost and no link is followed.
 */
export function writeStarterConfig(path: string, cloud: CloudId = DEFAULT_CLOUD): void {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o644)
  } catch (error) {
    throw cannotCreate(path, error as NodeJS.ErrnoException)
  }
  try {
    writeSync(fd, starterConfig(cloud))
  } finally {
    closeSync(fd)
  }
}

function cannotCreate(path: string, error: NodeJS.ErrnoException): SettingsError {
  if (error.code === 'EEXIST') {
    return new SettingsError(`${path} already exists; config init never overwrites a file`, {
      suggestions: [`check the file you have: velda-do config validate -c ${path}`, `or write the starter elsewhere: velda-do config init ${path.replace(/\.ya?ml$/, '')}-starter.yaml`],
    })
  }
  const reason = error.code === 'ENOENT' ? 'its directory does not exist' : error.message
  return new SettingsError(`cannot create ${path}: ${reason}`, {
    suggestions: ['give a path in an existing directory you can write to: velda-do config init path/to/velda.yaml'],
  })
}
