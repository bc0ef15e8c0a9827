import {isId, requireIds, requireList} from './answer-checks.js'
import {absentAs, type DoClient} from './api-client.js'
import {type AnswerSource, MalformedAnswerError} from './errors.js'
import {listAll, type ListEndpoint, listPath, readTotal, wireListAnswer} from './paginate.js'
import {isRunTag} from './run-tag.js'
import {tagInUrl} from './tags.js'
import type {Droplet, DropletCreateRequest, DropletFilter} from './types.js'
import {fromWireDroplet, type WireDroplet} from './wire-droplet.js'

/**
 * Droplets: listed, counted, created and deleted. Listings and creates read the wire JSON, each droplet through
 * the one mapper (fromWireDroplet); the count and the delete are dots' typed requests (docs/do-api.md, "Which
 * calls go which way").
 */
export class DropletService {
  constructor(private readonly client: DoClient) {}

  /** Wire JSON: dots' models cost 0.75 s of CPU per 10,000 droplets (Kiota rebuilds its enum tables per value). */
  async list(filter: DropletFilter = {}): Promise<Droplet[]> {
    const droplets = await listAll<WireDroplet>({
      path: '/v2/droplets',
      key: 'droplets',
      extra: dropletListExtra(filter),
      fetch: async (_query, source) => {
        const answer = wireListAnswer(await this.client.getJson(source))
        return {answer, items: Array.isArray(answer.droplets) ? requireIds(answer.droplets as WireDroplet[], 'droplets', source) : undefined}
      },
    })
    return droplets.map(fromWireDroplet)
  }

  async count(filter: DropletFilter = {}): Promise<number> {
    // One droplet per page: the count is all that is wanted, and meta.total gives it in one request.
    const queryParameters = {perPage: 1, ...dropletListExtra(filter)}
    const source: AnswerSource = {method: 'GET', path: listPath('/v2/droplets', queryParameters)}
    const answer = await this.client.dots.droplets.get({queryParameters})
    requireList(answer?.droplets, 'droplets', source)
    return readTotal(answer?.meta?.total, source)
  }

  /**
   * Wire JSON both ways: dots' serializer writes each key of a create body twice, so the body is velda-do's own
   * (createBody), and the answer's droplets go through the same mapper as a listing's. An answer without its
   * droplets (or with one lacking an id) is an error: the caller reconciles.
   */
  async create(request: DropletCreateRequest): Promise<Droplet[]> {
    const source: AnswerSource = {method: 'POST', path: '/v2/droplets'}
    const answer = (await this.client.postJson(source, createBody(request))) as {droplets?: unknown; droplet?: unknown} | undefined
    if (Array.isArray(answer?.droplets)) return requireIds(answer.droplets as WireDroplet[], 'droplets', source).map(fromWireDroplet)
    if (answer?.droplet !== undefined && answer.droplet !== null) return requireIds([answer.droplet as WireDroplet], 'droplet', source).map(fromWireDroplet)
    throw new MalformedAnswerError(source, 'the answer has neither "droplets" nor "droplet"; the droplets may exist all the same')
  }

  /** `already-gone` for a 404: the droplet no longer exists, which is what was wanted. */
  async delete(id: number): Promise<'deleted' | 'already-gone'> {
    // Every id comes from a checked answer; should one slip through, no request goes out with it.
    if (!isId(id)) throw new RangeError(`refusing to send DELETE /v2/droplets/${String(id)}: ${String(id)} is not a droplet id (a positive whole number)`)
    return absentAs(this.client.dots.droplets.byDroplet_id(id).delete().then(() => 'deleted' as const), 'already-gone' as const)
  }

  /**
   * DELETE /v2/droplets?tag_name=: every droplet carrying the tag. Only a run tag (run-tag.ts) is ever sent: the
   * shared `velda`, a pool's `velda-pool:*` or a user's tag would delete droplets velda-do did not choose, so any
   * other name is refused here, before a request exists, whatever a caller passes. Not sent again by the transport
   * after a lost answer or a 5xx (retry-policy.ts): the caller lists to learn what it did.
   */
  async deleteByTag(tag: string): Promise<void> {
    if (!isRunTag(tag)) throw new RangeError(`refusing to send DELETE /v2/droplets?tag_name=${String(tag)}: only a tag made for one bulk delete (velda-do-bulk-delete:<32 hex digits>) is deleted by`)
    await this.client.deleteJson({method: 'DELETE', path: `/v2/droplets?tag_name=${tagInUrl(tag)}`})
  }
}

function dropletListExtra(filter: DropletFilter): ListEndpoint<never>['extra'] {
  return filter.gpus ? {type: 'gpus'} : filter.tagName ? {tagName: filter.tagName} : {}
}

/** The wire JSON of a create: each key once, `names` for a batch, `name` for one; unset keys left out. */
export function createBody(request: DropletCreateRequest): Record<string, unknown> {
  const {names, ...rest} = request
  const given = Object.entries(rest).filter(([, value]) => value !== undefined)
  return {...(names.length === 1 ? {name: names[0]} : {names}), ...Object.fromEntries(given)}
}
