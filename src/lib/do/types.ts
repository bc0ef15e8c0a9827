/**
 * What velda-do reads from DigitalOcean, in its own shapes. snake_case, because these are also the JSON that
 * commands print (docs/cli.md), like the DigitalOcean API itself.
 */

export interface GpuSpec {
  count: number
  /** e.g. `amd_mi300x`, `nvidia_h100`. */
  model: string
  /** Total across the GPUs of the size, in GiB. */
  vram_gb: number
}

export interface Size {
  slug: string
  description: string
  vcpus: number
  memory_mb: number
  disk_gb: number
  /** null when DigitalOcean gives none: an unknown price is never shown or summed as $0. */
  price_hourly: number | null
  price_monthly: number | null
  available: boolean
  regions: string[]
  gpu: GpuSpec | null
}

export interface Region {
  slug: string
  name: string
  available: boolean
  features: string[]
  sizes: string[]
}

export interface SshKey {
  id: number
  name: string
  fingerprint: string
}

export interface Account {
  droplet_limit: number
  status: string
}

/** The account as `velda-do doctor` shows it. */
export interface AccountDetails extends Account {
  /** Why the status is not `active`, when DigitalOcean says (e.g. a billing problem); else empty. */
  status_message: string
  email: string
}

/** A public image (by slug or id) or one of the account's own (by id). */
export interface Image {
  id: number
  slug: string | null
  name: string
  /** Where droplets can be created from it, as far as dots knows the regions (it drops newer ones, e.g. atl1). */
  regions: string[]
  /** `available`, `pending`, `deleted`, ... */
  status: string
}

export type DropletStatus = 'new' | 'active' | 'off' | 'archive'

export interface Droplet {
  id: number
  name: string
  status: DropletStatus
  region: string
  size: string
  image: string
  public_ipv4: string | null
  private_ipv4: string | null
  public_ipv6: string | null
  created_at: string
  tags: string[]
  /** What it bills by the hour (`size.price_hourly`, also while powered off); null when the answer gives none. */
  price_hourly: number | null
  /** `gpu_info.model` of a GPU droplet, else null. */
  gpu_model: string | null
}

/**
 * A droplet-create request: one POST for up to 10 names, with DigitalOcean's keys. The pool's settings fill it
 * through config/droplet-settings.ts; a key that is left out (`vpc_uuid`) gets DigitalOcean's default.
 */
export interface DropletCreateRequest {
  names: string[]
  region: string
  size: string
  image: string | number
  ssh_keys: number[]
  backups: boolean
  ipv6: boolean
  monitoring: boolean
  tags: string[]
  user_data: string
  vpc_uuid?: string
}

export interface DropletFilter {
  /** Only droplets with this tag (GPU droplets need `gpus` instead: the API cannot combine the two). */
  tagName?: string
  /** GPU droplets only (`type=gpus`); the API leaves them out of every other listing. */
  gpus?: boolean
}

/** A DigitalOcean project: what `--project NAME|ID` is resolved against. */
export interface Project {
  /** A uuid. */
  id: string
  name: string
  /** The project droplets land in when nobody says otherwise. */
  is_default: boolean
}

/**
 * What one assignment did to one droplet. `status` is DigitalOcean's word for the resource (`assigned`,
 * `already_assigned`, `ok`, `not_found`, `service_down`, or one it adds later), or `unreported` when the answer
 * left the droplet out (DigitalOcean lists only resources the token may see).
 */
export interface ProjectAssignment {
  droplet_id: number
  /** `do:droplet:<id>`, as sent. */
  urn: string
  status: string
  /** True when the droplet is in the project now: `assigned`, `already_assigned` or `ok`. */
  assigned: boolean
}
