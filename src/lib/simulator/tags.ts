import type {DropletStore} from './droplet-store.js'

/**
 * DigitalOcean's tags, for the droplets the simulator keeps (docs/simulator.md, "Tags"): create a tag, read it with
 * its counts, tag and untag droplets in bulk, delete it. What velda-do's bulk deletes stand on: tag the chosen
 * droplets, check the tag's count, delete every droplet of the tag (`DELETE /v2/droplets?tag_name=`), delete the tag.
 * Only droplets are simulated; the other resource types count 0.
 */

/** A refusal, as the core answers it: status, DigitalOcean's error id and message. */
export interface TagRefusal {
  status: number
  id: string
  message: string
}

/** `{"resources": [{"resource_id": "123", "resource_type": "droplet"}]}`, already checked against the description. */
interface TagResourcesBody {
  resources: unknown[]
}

const NOT_FOUND: TagRefusal = {status: 404, id: 'not_found', message: 'The resource you were accessing could not be found.'}

export class TagBook {
  /** Tags made by `POST /v2/tags`; a tag a droplet carries exists too, as a droplet create with tags makes them. */
  private readonly created = new Set<string>()
  /** The droplet last tagged through `/v2/tags/{tag}/resources`, per tag: its `last_tagged_uri`. */
  private readonly lastTagged = new Map<string, number>()

  constructor(
    private readonly droplets: DropletStore,
    /** The simulator's origin: `last_tagged_uri` points at it, as page links do. */
    private readonly origin: () => string,
  ) {}

  /** Whether the tag exists: made, or carried by a droplet. Names are exact: DigitalOcean's are case stable. */
  exists(name: string): boolean {
    return this.created.has(name) || this.droplets.all().some((d) => d.tags.includes(name))
  }

  /** POST /v2/tags: making a tag that exists answers it as it is. */
  create(name: string): Record<string, unknown> {
    this.created.add(name)
    return this.view(name)
  }

  /** GET /v2/tags/{tag_id}: the tag with its counts, or null when there is none. */
  get(name: string): Record<string, unknown> | null {
    return this.exists(name) ? this.view(name) : null
  }

  /** DELETE /v2/tags/{tag_id}: the tag goes, and no droplet carries it any more. */
  delete(name: string): TagRefusal | null {
    if (!this.exists(name)) return NOT_FOUND
    this.created.delete(name)
    this.lastTagged.delete(name)
    for (const droplet of this.droplets.all()) droplet.tags = droplet.tags.filter((tag) => tag !== name)
    return null
  }

  /**
   * POST (tag) or DELETE (untag) /v2/tags/{tag_id}/resources. All or nothing: a list naming a droplet that does not
   * exist changes none, so a caller that checks the tag's count next never sees half a request applied.
   */
  apply(name: string, body: TagResourcesBody, add: boolean): TagRefusal | null {
    if (!this.exists(name)) return NOT_FOUND
    if (body.resources.length === 0) return {status: 400, id: 'bad_request', message: 'resources must name at least one resource'}
    const ids: number[] = []
    for (const [index, item] of body.resources.entries()) {
      // The description does not say an item is an object: null or a number is refused here, not thrown on.
      const resource = (typeof item === 'object' && item !== null ? item : {}) as {resource_id?: unknown; resource_type?: unknown}
      const where = `resources.${index}`
      if (resource.resource_type !== 'droplet') {
        return {status: 400, id: 'bad_request', message: `${where}.resource_type must be "droplet" (the simulator keeps no other resources)`}
      }
      if (typeof resource.resource_id !== 'string' || !/^[1-9]\d*$/.test(resource.resource_id)) {
        return {status: 400, id: 'bad_request', message: `${where}.resource_id must be a droplet id as a string, e.g. "3164444"`}
      }
      const id = Number(resource.resource_id)
      if (!this.droplets.get(id)) return {...NOT_FOUND, message: `${where}: droplet ${id} could not be found.`}
      ids.push(id)
    }
    for (const id of ids) {
      const droplet = this.droplets.get(id)
      if (!droplet) continue
      const has = droplet.tags.includes(name)
      if (add && !has) droplet.tags = [...droplet.tags, name]
      if (add) this.lastTagged.set(name, id)
      if (!add && has) droplet.tags = droplet.tags.filter((tag) => tag !== name)
    }
    return null
  }

  clear(): void {
    this.created.clear()
    this.lastTagged.clear()
  }

  /**
   * The tag as DigitalOcean shows it: the total and the droplets' count, with `last_tagged_uri` once one carries it
   * (upstream's tags_existing example has it; its tags_new example, of an empty tag, has counts only). The last
   * tagged is the one last tagged through the API while it still carries the tag, else the newest carrier (a
   * create with tags tags it). Nothing but droplets is simulated.
   */
  private view(name: string): Record<string, unknown> {
    const carriers = this.droplets.all().filter((d) => d.tags.includes(name))
    const none = {count: 0}
    const marked = this.lastTagged.get(name)
    const last = carriers.find((d) => d.id === marked) ?? carriers.at(-1)
    const uri = last ? {last_tagged_uri: `${this.origin()}/v2/droplets/${last.id}`} : {}
    const count = carriers.length
    return {name, resources: {count, ...uri, droplets: {count, ...uri}, images: none, volumes: none, volume_snapshots: none, databases: none}}
  }
}
