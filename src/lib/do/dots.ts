import type {ListAnswer, ListQuery} from './paginate.js'
import type {FetchFunction} from './transport.js'

/**
 * The only place that loads @digitalocean/dots and Kiota (through do-client.js, one bundled file once built).
 * Loaded lazily: commands that never call the API must not pay for it. dots ships TypeScript sources without
 * declarations, so its objects are described here by the narrow interfaces velda-do uses.
 */

/** A list answer as dots parses it: the paging parts listAll reads. */
export type DotsPage = ListAnswer

export interface DotsSize {
  slug?: string | null
  description?: string | null
  vcpus?: number | null
  memory?: number | null
  disk?: number | null
  priceHourly?: number | null
  priceMonthly?: number | null
  available?: boolean | null
  regions?: string[] | null
  gpuInfo?: {count?: number | null; model?: string | null; vram?: {amount?: number | null; unit?: string | null} | null} | null
}

export interface DotsRegion {
  slug?: string | null
  name?: string | null
  available?: boolean | null
  features?: string[] | null
  sizes?: string[] | null
}

export interface DotsSshKey {
  id?: number | null
  name?: string | null
  fingerprint?: string | null
}

export interface DotsImage {
  id?: number | null
  slug?: string | null
  name?: string | null
  regions?: string[] | null
  status?: string | null
}

export interface DotsAccount {
  dropletLimit?: number | null
  status?: string | null
  statusMessage?: string | null
  email?: string | null
  /** The user's, and in a team context the team's (whose the droplets are). */
  uuid?: string | null
  team?: {uuid?: string | null} | null
}

/** The part of the dots client velda-do calls. */
export interface DotsClient {
  v2: {
    droplets: {
      /** Only counted (per_page=1): listings and creates read the wire JSON (api-client.ts). */
      get(query: ListQuery): Promise<(DotsPage & {droplets?: unknown[] | null}) | undefined>
      byDroplet_id(id: number): {delete(): Promise<void>}
    }
    sizes: {get(query: ListQuery): Promise<(DotsPage & {sizes?: DotsSize[] | null}) | undefined>}
    /** dots types the id as a number; the API takes a public image's slug there too. */
    images: {byImage_id(id: number | string): {get(): Promise<{image?: DotsImage | null} | undefined>}}
    regions: {get(query: ListQuery): Promise<(DotsPage & {regions?: DotsRegion[] | null}) | undefined>}
    account: {
      get(): Promise<{account?: DotsAccount | null} | undefined>
      keys: {get(query: ListQuery): Promise<(DotsPage & {sshKeys?: DotsSshKey[] | null}) | undefined>}
    }
  }
}

export async function connectDots(endpoint: string, transport: FetchFunction): Promise<DotsClient> {
  const {abstractions, http, createDigitalOceanClient} = await import('./do-client.js')
  // Our transport is the whole middleware chain: no Kiota retry (it retries POST), no redirect following, and
  // the token is added there, only for the endpoint's host (so the auth provider here is anonymous).
  const httpClient = new http.HttpClient(undefined, new http.CustomFetchHandler(transport as never))
  const adapter = new http.FetchRequestAdapter(
    new abstractions.AnonymousAuthenticationProvider(),
    new abstractions.ParseNodeFactoryRegistry(),
    new abstractions.SerializationWriterFactoryRegistry(),
    httpClient,
  )
  adapter.baseUrl = endpoint.replace(/\/+$/, '')
  return createDigitalOceanClient(adapter)
}
