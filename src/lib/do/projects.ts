import {isId} from './answer-checks.js'
import {absentAs, type DoClient} from './api-client.js'
import {type AnswerSource, MalformedAnswerError} from './errors.js'
import {listAll, wireListAnswer} from './paginate.js'
import type {Project, ProjectAssignment} from './types.js'
import {UUID_PATTERN} from '../text/wire-formats.js'

/**
 * DigitalOcean documents no limit on the URNs of one assignment request. 50 keeps each request small and quick
 * (a large pool is a few requests, not one that a proxy's body limit or a slow backend could fail as a whole),
 * and a failed batch leaves at most 50 droplets to ask again for.
 */
export const ASSIGN_BATCH_SIZE = 50

/** Statuses that leave the droplet in the project. */
const IN_PROJECT: ReadonlySet<string> = new Set(['assigned', 'already_assigned', 'ok'])

/**
 * Projects: listed, read, and droplets moved into one. Wire JSON: dots parses a project id into a Guid object and
 * an assignment status it does not know into undefined, and velda-do wants both as DigitalOcean wrote them.
 */
export class ProjectService {
  constructor(private readonly client: DoClient) {}

  /** Every project of the account, each page checked. */
  list(): Promise<Project[]> {
    return listAll({
      path: '/v2/projects',
      key: 'projects',
      fetch: async (_query, source) => {
        const answer = wireListAnswer(await this.client.getJson(source))
        return {answer, items: readProjects(answer.projects, source)}
      },
    })
  }

  /** A project by id, or the account's default for `default`; null when the API says 404. */
  async get(idOrDefault: string): Promise<Project | null> {
    const source: AnswerSource = {method: 'GET', path: `/v2/projects/${encodeURIComponent(idOrDefault)}`}
    return absentAs(this.client.getJson(source).then((answer) => readProject(answer as {project?: unknown} | undefined, source)), null)
  }

  /**
   * Moves droplets into a project (id or `default`), in batches; one entry per droplet, in the order given. A
   * failed batch throws the transport's error; the batches before it stay assigned, and since assigning is
   * idempotent the caller may simply ask again for all of them.
   */
  async assign(projectId: string, dropletIds: number[]): Promise<ProjectAssignment[]> {
    const bad = dropletIds.find((id) => !isId(id))
    if (bad !== undefined) throw new RangeError(`refusing to assign ${String(bad)} to a project: it is not a droplet id (a positive whole number)`)
    const source: AnswerSource = {method: 'POST', path: `/v2/projects/${encodeURIComponent(projectId)}/resources`}
    const results: ProjectAssignment[] = []
    // One batch after another: a failure stops before more requests, and the rate limit is not spent in a burst.
    for (const batch of assignmentBatches(dropletIds)) {
      const answer = await this.client.postJson(source, {resources: batch.map((id) => `do:droplet:${id}`)})
      results.push(...readAssignment(answer, batch, source))
    }
    return results
  }
}

export function assignmentBatches(ids: readonly number[], size = ASSIGN_BATCH_SIZE): number[][] {
  const batches: number[][] = []
  for (let start = 0; start < ids.length; start += size) batches.push(ids.slice(start, start + size))
  return batches
}

/**
 * The projects of a list page. Droplets are assigned to a project by its id: one without a uuid, or without
 * a name to be found by, is an error, never a project to send droplets to.
 */
export function readProjects(items: unknown, source: AnswerSource): Project[] | undefined {
  if (!Array.isArray(items)) return undefined
  return items.map((item, index) => toProject(item, `item ${index + 1} of the "projects" list`, source))
}

export function readProject(answer: {project?: unknown} | undefined, source: AnswerSource): Project {
  return toProject(answer?.project, 'the "project"', source)
}

function toProject(item: unknown, which: string, source: AnswerSource): Project {
  if (typeof item !== 'object' || item === null) throw new MalformedAnswerError(source, `${which} is ${JSON.stringify(item)}, not an object`)
  const {id, name, is_default: isDefault} = item as {id?: unknown; name?: unknown; is_default?: unknown}
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) throw new MalformedAnswerError(source, `${which} has ${id === undefined ? 'no id' : `the id ${JSON.stringify(id)}, not a uuid`}`)
  if (typeof name !== 'string') throw new MalformedAnswerError(source, `${which} has no name`)
  return {id, name, is_default: isDefault === true}
}

/**
 * One entry per droplet sent, in the order sent. An answer without its `resources` list says nothing of what
 * was done: an error (the droplets may be assigned all the same; asking again is safe).
 */
export function readAssignment(answer: unknown, dropletIds: readonly number[], source: AnswerSource): ProjectAssignment[] {
  const resources = (answer as {resources?: unknown} | undefined)?.resources
  if (!Array.isArray(resources)) {
    throw new MalformedAnswerError(source, 'the answer has no "resources" list; the droplets may be assigned all the same')
  }
  const statusByUrn = new Map<string, string>()
  for (const resource of resources) {
    const {urn, status} = (resource ?? {}) as {urn?: unknown; status?: unknown}
    if (typeof urn === 'string' && typeof status === 'string') statusByUrn.set(urn, status)
  }
  return dropletIds.map((id) => {
    const urn = `do:droplet:${id}`
    const status = statusByUrn.get(urn) ?? 'unreported'
    return {droplet_id: id, urn, status, assigned: IN_PROJECT.has(status)}
  })
}
