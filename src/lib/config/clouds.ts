/**
 * The two clouds an AMD MI300X pool can live on, and the names `config init` writes for each. Every name here was
 * seen in public sources, never checked against an account from this repository (that takes a token):
 * `velda-do sizes` and `velda-do doctor` check them against the user's own. Sources, with their commits, in
 * docs/do-api.md ("What we know of the live API, and from where").
 */

export type CloudId = 'amd-devcloud' | 'digitalocean'

export interface Cloud {
  id: CloudId
  /** For people: "the AMD Developer Cloud". */
  name: string
  /** The API origin (api_endpoint), and where it was seen (a phrase after "seen in"). */
  endpoint: string
  endpointSeen: string
  /** Which token the endpoint takes, for the prompt and doctor's 401. */
  token: string
  /** A one-MI300X size slug, and where it was seen. */
  size: string
  sizeSeen: string
  /** An AMD ROCm image slug, what it holds, and where it was seen. */
  image: string
  imageSeen: string
  /** The pool's description in the starter. */
  description: string
}

export const CLOUDS: Readonly<Record<CloudId, Cloud>> = {
  'amd-devcloud': {
    id: 'amd-devcloud',
    name: 'the AMD Developer Cloud',
    endpoint: 'https://api.devcloud.amd.com',
    // dstackai/dstack 5fdea61 (PR #4158, 2026-08-18): its AMD Developer Cloud backend moved from api-amd.digitalocean.com.
    endpointSeen: "dstack's AMD Developer Cloud backend, which moved to it from api-amd.digitalocean.com (dstackai/dstack PR 4158)",
    token: 'an AMD Developer Cloud token, made in its own control panel',
    // velda-io/velda 41c94f5, pkg/broker/backends/digitalocean/README.md and docs/deployment/pool-provisioners.md.
    size: 'gpu-mi300x1-192gb-devcloud',
    sizeSeen: "the Velda broker's DigitalOcean docs (velda-io/velda)",
    image: 'amd-rocm71software',
    imageSeen: "the Velda broker's DigitalOcean docs (velda-io/velda): ROCm 7.1 on Ubuntu",
    description: 'AMD MI300X, ROCm 7.1',
  },
  digitalocean: {
    id: 'digitalocean',
    name: 'DigitalOcean',
    endpoint: 'https://api.digitalocean.com',
    endpointSeen: "DigitalOcean's own API description (digitalocean/openapi): its standard API",
    token: 'a DigitalOcean token, dop_v1_..., made at cloud.digitalocean.com/account/api/tokens',
    // digitalocean/openapi 7c1300c, specification/resources/dedicated_inferences/models/sizes.yml (gpu_slug example);
    // dstackai/gpuhunt 35841515, src/tests/providers/test_digitalocean.py (gpu-mi300x8-1536gb in /v2/sizes).
    size: 'gpu-mi300x1-192gb',
    sizeSeen: "DigitalOcean's own API description (digitalocean/openapi, its GPU slugs)",
    // dstackai/dstack d7a1736 (PR #4151, 2026-08-15): digitalocean_base/compute.py, AMD GPU droplets boot gpu-amd-base.
    image: 'gpu-amd-base',
    imageSeen: "dstack, which boots its AMD GPU droplets from it (dstackai/dstack PR 4151): DigitalOcean's AI/ML-ready AMD image, ROCm on Ubuntu 24.04",
    description: 'AMD MI300X, ROCm',
  },
}

/** The cloud `config init` writes when nobody is asked (no terminal) and none is named. */
export const DEFAULT_CLOUD: CloudId = 'amd-devcloud'

export const CLOUD_IDS = Object.keys(CLOUDS) as CloudId[]
