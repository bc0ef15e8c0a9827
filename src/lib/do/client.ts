import {AccountService} from './account.js'
import {connectClient} from './api-client.js'
import {CatalogService} from './catalog.js'
import {DropletService} from './droplets.js'
import {ImageService} from './images.js'
import {ProjectService} from './projects.js'
import {type TagCounts, TagService} from './tags.js'
import type {TransportOptions} from './transport.js'
import type {Account, AccountDetails, Droplet, DropletCreateRequest, DropletFilter, Image, Project, ProjectAssignment, Region, Size, SshKey} from './types.js'


/**
 * velda-do's door to DigitalOcean: one object for the commands, each call served by the service of its resource
 * (droplets.ts, catalog.ts, account.ts, images.ts, projects.ts, tags.ts), all over the one client (api-client.ts) and its
 * one transport.
 */
export interface DigitalOceanApi {
  readonly endpoint: string
  /**
   * Names the account for lock files (lock.ts): a one-way digest of the endpoint's origin and the account's uuid
   * (see accountLockKey). Reads GET /v2/account, the one answer getAccount and describeAccount share.
   */
  accountKey(): Promise<string>
  listSizes(): Promise<Size[]>
  listRegions(): Promise<Region[]>
  listSshKeys(): Promise<SshKey[]>
  /** GET /v2/account, sent once per run: the lock's key, the droplet-limit guard and doctor share its answer. */
  getAccount(): Promise<Account>
  /** The same one call as getAccount, with the e-mail and the reason for a status other than active. */
  describeAccount(): Promise<AccountDetails>
  /** A public image by slug or id, or one of the account's by id; null when the API says 404. */
  getImage(idOrSlug: string): Promise<Image | null>
  listDroplets(filter?: DropletFilter): Promise<Droplet[]>
  /** How many droplets the filter matches, from one request's `meta.total` (GPU droplets only with `gpus`). */
  countDroplets(filter?: DropletFilter): Promise<number>
  /** One POST; never retried here (the caller reconciles after an ambiguous failure). */
  createDroplets(request: DropletCreateRequest): Promise<Droplet[]>
  /** `already-gone` for a 404: the droplet no longer exists, which is what was wanted. Refuses an id that is not one. */
  deleteDroplet(id: number): Promise<'deleted' | 'already-gone'>
  /** Every project of the account, each page checked. */
  listProjects(): Promise<Project[]>
  /** A project by id, or the account's default for `default`; null when the API says 404. */
  getProject(idOrDefault: string): Promise<Project | null>
  /**
   * Moves droplets into a project (id or `default`), in batches (see projects.ts); one entry per droplet, in the
   * order given. A failed batch throws the transport's error; the batches before it stay assigned, and since
   * assigning is idempotent the caller may simply ask again for all of them.
   */
  assignToProject(projectId: string, dropletIds: number[]): Promise<ProjectAssignment[]>
  /** POST /v2/tags (a tag that exists is answered as it is). */
  createTag(name: string): Promise<void>
  /** POST /v2/tags/{tag}/resources, in batches (tags.ts); tagging twice changes nothing. */
  tagDroplets(name: string, dropletIds: readonly number[]): Promise<void>
  /** GET /v2/tags/{tag}: its counts, each checked; null when the API says 404. */
  tagCounts(name: string): Promise<TagCounts | null>
  /** DELETE /v2/tags/{tag}: untags every resource; `already-gone` for a 404. */
  deleteTag(name: string): Promise<'deleted' | 'already-gone'>
  /** DELETE /v2/droplets?tag_name=: refused for anything but a run tag (run-tag.ts); never resent after a lost answer. */
  deleteDropletsByTag(tag: string): Promise<void>
}

export type ApiOptions = TransportOptions

export async function createDigitalOceanApi(options: ApiOptions): Promise<DigitalOceanApi> {
  const client = await connectClient(options)
  const droplets = new DropletService(client)
  const catalog = new CatalogService(client)
  const account = new AccountService(client)
  const images = new ImageService(client)
  const projects = new ProjectService(client)
  const tags = new TagService(client)
  return {
    endpoint: client.endpoint,
    accountKey: () => account.key(),
    listSizes: () => catalog.listSizes(),
    listRegions: () => catalog.listRegions(),
    listSshKeys: () => catalog.listSshKeys(),
    getAccount: () => account.get(),
    describeAccount: () => account.describe(),
    getImage: (idOrSlug) => images.get(idOrSlug),
    listDroplets: (filter) => droplets.list(filter),
    countDroplets: (filter) => droplets.count(filter),
    createDroplets: (request) => droplets.create(request),
    deleteDroplet: (id) => droplets.delete(id),
    listProjects: () => projects.list(),
    getProject: (idOrDefault) => projects.get(idOrDefault),
    assignToProject: (projectId, dropletIds) => projects.assign(projectId, dropletIds),
    createTag: (name) => tags.create(name),
    tagDroplets: (name, dropletIds) => tags.tagDroplets(name, dropletIds),
    tagCounts: (name) => tags.counts(name),
    deleteTag: (name) => tags.delete(name),
    deleteDropletsByTag: (tag) => droplets.deleteByTag(tag),
  }
}
