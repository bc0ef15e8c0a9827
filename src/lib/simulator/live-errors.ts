import type {RequestProblem} from './spec.js'

/** An error answer as the live API words it: status, DigitalOcean's error id and message. */
export interface LiveError {
  status: number
  id: string
  message: string
}

const TAG_RULE = /^[a-zA-Z0-9_:-]+$/

/**
 * Where the live API answers a request the schema refuses differently from a plain 422 naming the field, its
 * answer instead; null keeps the schema's 422. The simulator follows DigitalOcean, not its description.
 */
export function liveErrorFor(operation: string, problem: RequestProblem, body: unknown): LiveError | null {
  // A project id that is not a uuid is an unknown project to DigitalOcean (doctl shows 404 for `first-project`).
  if (problem.field === 'project_id') return {status: 404, id: 'not_found', message: 'The resource you were accessing could not be found.'}
  // A tag name the description refuses names no tag there is.
  if (problem.field === 'tag_id') return {status: 404, id: 'not_found', message: 'The resource you were accessing could not be found.'}
  // Tagging's body refused is a bad request, said with the field (the simulator's words: no live answer is published).
  if (/^(POST|DELETE) \/v2\/tags\/\{tag_id\}\/resources$/.test(operation)) return {status: 400, id: 'bad_request', message: `${problem.field} ${problem.message}`}
  if (operation.endsWith('/resources') && /^resources\.\d+$/.test(problem.field)) {
    return {status: 400, id: 'bad_request', message: 'resource objects must have an urn in the following format: do:resource_type:resource_id'}
  }
  if (operation === 'POST /v2/droplets' && /^tags\.\d+$/.test(problem.field)) {
    const tags = (body as {tags?: unknown[]} | null)?.tags ?? []
    const tag = tags[Number(problem.field.split('.')[1])]
    return {status: 400, id: 'bad_request', message: tagMessage(typeof tag === 'string' ? tag : JSON.stringify(tag))}
  }
  return null
}

/**
 * DigitalOcean's own words for a tag a droplet create carries and it refuses: a 400, as reported
 * (supergiant/control#883, `POST /v2/droplets: 400 ... Error validating resource tag: "tag-name \"\" contains
 * invalid characters"`), the same words as its tags_create example (InvalidCharacters). The length limit has no
 * published message, so that one is said the same way.
 */
export function tagMessage(tag: string): string {
  if (!TAG_RULE.test(tag)) return `Error validating resource tag: "tag-name \\"${tag}\\" contains invalid characters"`
  return `Error validating resource tag: "tag-name \\"${tag.slice(0, 40)}...\\" is longer than 255 characters"`
}
