import {ApiError, type AnswerSource} from './errors.js'
import {connectDots, type DotsClient} from './dots.js'
import {createTransport, type TransportOptions} from './transport.js'

/**
 * The one client the services of this directory send through (doctl's godo.Client under its services): one
 * transport, which adds the token, times out, retries within the deadline, refuses redirects and turns every
 * failed answer into one of errors.ts' errors, whichever way the request was made. Two ways, each where it serves
 * (docs/do-api.md, "Which calls go which way"): dots' typed requests and models, and the wire JSON where dots'
 * models cost time (droplet listings) or lose what velda-do needs (project ids, assignment statuses, a create
 * body with each key once).
 */
export interface DoClient {
  /** The API origin, without a trailing slash. */
  readonly endpoint: string
  /** dots' typed requests, each answer parsed into its models. */
  readonly dots: DotsClient['v2']
  /** A GET, its answer read as plain JSON (undefined for an empty one). */
  getJson(source: AnswerSource): Promise<unknown>
  /** A POST of velda-do's own JSON body, its answer read as plain JSON. */
  postJson(source: AnswerSource, body: unknown): Promise<unknown>
  /** A DELETE without a body, its answer read as plain JSON (undefined for DigitalOcean's empty 204). */
  deleteJson(source: AnswerSource): Promise<unknown>
}

export async function connectClient(options: TransportOptions): Promise<DoClient> {
  const endpoint = options.endpoint.replace(/\/+$/, '')
  const transport = createTransport({...options, endpoint})
  const dots = await connectDots(endpoint, transport)
  const send = async (source: AnswerSource, init: RequestInit): Promise<unknown> => {
    const response = await transport(`${endpoint}${source.path}`, {...init, method: source.method})
    // The transport has read the body and checked that it parses: an unreadable answer never gets here.
    const body = await response.text()
    return body === '' ? undefined : JSON.parse(body)
  }
  return {
    endpoint,
    dots: dots.v2,
    getJson: (source) => send(source, {headers: {accept: 'application/json'}}),
    postJson: (source, body) => send(source, {headers: {accept: 'application/json', 'content-type': 'application/json'}, body: JSON.stringify(body)}),
    deleteJson: (source) => send(source, {headers: {accept: 'application/json'}}),
  }
}

/**
 * The one reading of a 404: what was asked for does not exist, which the caller may expect (a droplet already
 * deleted, an image or a project that is not there) and names with `absent`. Any other failure is thrown as the
 * transport made it, and so is a failure to read a found thing's answer.
 */
export async function absentAs<T, A>(request: Promise<T>, absent: A): Promise<T | A> {
  try {
    return await request
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return absent
    throw error
  }
}
