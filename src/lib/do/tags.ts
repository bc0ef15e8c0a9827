import {absentAs, type DoClient} from './api-client.js'
import {isId} from './answer-checks.js'
import {type AnswerSource, MalformedAnswerError} from './errors.js'

/**
 * DigitalOcean documents no limit on the resources of one tag request. 200 keeps a body small (about 10 KB: a
 * proxy's body limit never refuses it) and makes a tag of 1,000 droplets five requests, as a listing of them is.
 */
export const TAG_BATCH_SIZE = 200

/** A tag's counts as `GET /v2/tags/{tag}` gives them: every resource carrying it, and the droplets among them. */
export interface TagCounts {
  resources: number
  droplets: number
}

/**
 * Tags (the Tags endpoints of DigitalOcean's OpenAPI description): made, put on droplets, counted, deleted. Wire
 * JSON: the bodies are velda-do's own, and of the answers only the counts are read, each checked.
 */
export class TagService {
  constructor(private readonly client: DoClient) {}

  /** POST /v2/tags: making a tag that exists answers it as it is, so a lost answer is safely asked again. */
  async create(name: string): Promise<void> {
    const source: AnswerSource = {method: 'POST', path: '/v2/tags'}
    const answer = (await this.client.postJson(source, {name})) as {tag?: {name?: unknown}} | undefined
    if (answer?.tag?.name !== name) throw new MalformedAnswerError(source, `the answer does not name the tag ${name}`)
  }

  /**
   * POST /v2/tags/{tag}/resources, TAG_BATCH_SIZE droplets a request, one after another: a failure stops before
   * more are sent. Tagging a droplet twice changes nothing, so the caller may ask again for all of them.
   */
  async tagDroplets(name: string, dropletIds: readonly number[]): Promise<void> {
    const bad = dropletIds.find((id) => !isId(id))
    if (bad !== undefined) throw new RangeError(`refusing to tag ${String(bad)}: it is not a droplet id (a positive whole number)`)
    const source: AnswerSource = {method: 'POST', path: `/v2/tags/${tagInUrl(name)}/resources`}
    for (let start = 0; start < dropletIds.length; start += TAG_BATCH_SIZE) {
      const batch = dropletIds.slice(start, start + TAG_BATCH_SIZE)
      await this.client.postJson(source, {resources: batch.map((id) => ({resource_id: String(id), resource_type: 'droplet'}))})
    }
  }

  /** GET /v2/tags/{tag}: its counts, or null when the API says 404. */
  async counts(name: string): Promise<TagCounts | null> {
    const source: AnswerSource = {method: 'GET', path: `/v2/tags/${tagInUrl(name)}`}
    return absentAs(this.client.getJson(source).then((answer) => readCounts(answer, name, source)), null)
  }

  /** DELETE /v2/tags/{tag}: the tag goes and every resource carrying it is untagged; `already-gone` for a 404. */
  async delete(name: string): Promise<'deleted' | 'already-gone'> {
    const source: AnswerSource = {method: 'DELETE', path: `/v2/tags/${tagInUrl(name)}`}
    return absentAs(this.client.deleteJson(source).then(() => 'deleted' as const), 'already-gone' as const)
  }
}

/**
 * The counts of a tag's answer. A count that is missing or not a whole number is an error, never 0: the bulk
 * delete compares them with what it chose, and must not read "nothing else carries it" from a malformed answer.
 */
function readCounts(answer: unknown, name: string, source: AnswerSource): TagCounts {
  const tag = (answer as {tag?: unknown} | undefined)?.tag
  if (typeof tag !== 'object' || tag === null) throw new MalformedAnswerError(source, 'the answer has no "tag"')
  const {name: named, resources} = tag as {name?: unknown; resources?: unknown}
  if (named !== name) throw new MalformedAnswerError(source, `the answer names the tag ${JSON.stringify(named)}, not ${name}`)
  const all = resources as {count?: unknown; droplets?: {count?: unknown}} | undefined
  const count = (value: unknown, key: string): number => {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
    throw new MalformedAnswerError(source, `tag.${key} is ${JSON.stringify(value)}, not a count`)
  }
  return {resources: count(all?.count, 'resources.count'), droplets: count(all?.droplets?.count, 'resources.droplets.count')}
}

/**
 * A tag name in a URL: percent-encoded, but with its colons as they are (DigitalOcean's own examples write
 * `/v2/droplets?tag_name=env:prod`; a colon needs no escape in a path segment or a query).
 */
export function tagInUrl(name: string): string {
  return encodeURIComponent(name).replaceAll('%3A', ':')
}
