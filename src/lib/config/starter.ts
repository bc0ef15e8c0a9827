import {closeSync, openSync, writeSync} from 'node:fs'

import {SettingsError} from '../base/errors.js'

/** Where `config init` writes when given no path: the last file velda-do looks for, and the broker's usual name. */
export const STARTER_DEFAULT_PATH = 'velda.yaml'

/**
 * The starter config: one MI300X pool on DigitalOcean's AMD endpoint, valid as written (for velda-do and for the
 * broker), with every value a user must change marked "CHANGE" (doctor reports the marks left: change-marks.ts).
 * Optional settings are commented out, so uncommenting one is all it takes.
 */
export const STARTER_CONFIG = `# A Velda config with one pool of AMD MI300X GPU droplets, read by velda-do and by the Velda broker alike.
# Written by \`velda-do config init\`. Check it with: velda-do config validate -c <this file>
# Nothing secret belongs here: the API token comes from $DIGITALOCEAN_API_TOKEN, the Tailscale key from its own
# variable. A value marked CHANGE is a placeholder: set it, then delete its CHANGE comment (velda-do doctor reports
# every mark left, and a pool without ssh_key_ids).

default_broker_info:
  address: "broker.example.com:50051"     # CHANGE: where agents reach your Velda broker (host:port)

provisioners:
  - digitalocean_auto:
      api_endpoint: https://api-amd.digitalocean.com   # the AMD GPU cloud; https://api.digitalocean.com for the rest
      region: atl1                                      # \`velda-do regions --available\` lists the others
      agent_version_override: "1.0.0"                   # CHANGE: the Velda release the droplets install (quoted)
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
          size: gpu-mi300x1-192gb-devcloud              # \`velda-do sizes --gpu\` lists the sizes and prices
          image: amd-rocm71software                     # ROCm 7.1 on Ubuntu
          description: AMD MI300X, ROCm 7.1
`

/**
 * Writes the starter config to `path`, never over anything: O_EXCL fails on an existing file, directory or
 * symlink (even a dangling one), so an existing config is never lost and no link is followed.
 */
export function writeStarterConfig(path: string): void {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o644)
  } catch (error) {
    throw cannotCreate(path, error as NodeJS.ErrnoException)
  }
  try {
    writeSync(fd, STARTER_CONFIG)
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
