import {requireList} from './answer-checks.js'
import {type AnswerSource, MalformedAnswerError} from './errors.js'
import {plural} from '../text/plural.js'

/** The API's largest page: the fewest requests for a full list. */
export const PER_PAGE = 200

/** Pages read beyond what the first answer announced, for a list that grows while it is read. */
export const GROWTH_MARGIN_PAGES = 2

export interface Page<T> {
  /** The request that got this page, to name it in an error. */
  source: AnswerSource
  items: T[]
  /** `meta.total` as answered (checked here, not trusted). */
  total: unknown
  /** `links.pages.next` as answered: present means there is another page. */
  next: unknown
  /** `links.pages.last` as answered. */
  last: unknown
}

/**
 * Every page, by page number (`links.pages.next` is not typed in dots and bypasses its base URL), for as long as
 * the answer has a `links.pages.next`. The first answer's `meta.total` bounds the pages and is checked against
 * what was read: a listing that ends short, pages past the bound, or a count missing fails the whole list, since
 * a silently short list would make velda-do create or delete the wrong droplets.
 */
export async function collectPages<T extends object>(fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const first = await fetchPage(1)
  const total = announcedTotal(first)
  const lastPage = announcedLastPage(first, total)
  const items = new UniqueItems<T>()
  let read = 0
  let page = 1
  let answer = first
  for (;;) {
    const hasNext = nextPresent(answer)
    checkPage(answer, page, hasNext, lastPage)
    items.add(answer.items)
    read += answer.items.length
    if (!hasNext) break
    answer = await fetchPage(++page)
  }
  // Ending before the announced total: a list that shrank while it was read shifts items onto pages already read.
  if (read < total) {
    throw new MalformedAnswerError(answer.source, `the list ended after ${plural(read, 'item')} on page ${page}, but meta.total said ${total}; it may have changed while it was read`)
  }
  return items.list
}

/** The first answer's `meta.total`: without it there is no telling a short list from a complete one. */
function announcedTotal(first: Page<unknown>): number {
  return readTotal(first.total, first.source)
}

/** A whole number of things, 0 included: what a total or a limit in an answer must be before it is trusted. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** `meta.total` of a list answer, which must be a count: a missing one is not taken as 0. */
export function readTotal(total: unknown, source: AnswerSource): number {
  if (total === undefined || total === null) throw new MalformedAnswerError(source, 'the answer has no meta.total (the length of the list)')
  if (!isCount(total)) {
    throw new MalformedAnswerError(source, `the answer's meta.total (${JSON.stringify(total)}) is not a count`)
  }
  return total
}

/** The page count meta.total implies; `links.pages.last`, when given, must agree (both come from one answer). */
function announcedLastPage(first: Page<unknown>, total: number): number {
  const fromTotal = Math.max(1, Math.ceil(total / PER_PAGE))
  if (first.last === undefined || first.last === null) return fromTotal
  const fromLink = pageNumber(first.last)
  if (fromLink === null) throw new MalformedAnswerError(first.source, `the answer's links.pages.last (${JSON.stringify(first.last)}) is not a page address`)
  if (fromLink !== fromTotal) {
    throw new MalformedAnswerError(first.source, `links.pages.last says page ${fromLink} but meta.total ${total} makes ${fromTotal} page(s) of ${PER_PAGE}`)
  }
  return fromTotal
}

function pageNumber(link: unknown): number | null {
  if (typeof link !== 'string') return null
  try {
    const page = Number(new URL(link, 'http://relative.invalid').searchParams.get('page'))
    return Number.isSafeInteger(page) && page >= 1 ? page : null
  } catch {
    return null
  }
}

function nextPresent(answer: Page<unknown>): boolean {
  if (answer.next === undefined || answer.next === null) return false
  if (typeof answer.next === 'string' && answer.next !== '') return true
  throw new MalformedAnswerError(answer.source, `the answer's links.pages.next (${JSON.stringify(answer.next)}) is not a page address`)
}

function checkPage(answer: Page<unknown>, page: number, hasNext: boolean, lastPage: number): void {
  const count = answer.items.length
  if (count > PER_PAGE) throw new MalformedAnswerError(answer.source, `page ${page} has ${plural(count, 'item')}, more than the ${PER_PAGE} asked for`)
  if (!hasNext) return
  // Only the last page may be short: a short page that says more follow is a list with a hole in it.
  if (count < PER_PAGE) throw new MalformedAnswerError(answer.source, `page ${page} has ${count} of ${PER_PAGE} items but links.pages.next says more follow`)
  if (page >= lastPage + GROWTH_MARGIN_PAGES) {
    throw new MalformedAnswerError(answer.source, `links.pages.next goes past page ${page}, but the first answer announced ${lastPage} page(s)`)
  }
}

/** A list that changes between pages can shift an item onto the next page: keep each id once. */
class UniqueItems<T extends object> {
  readonly list: T[] = []
  private readonly seen = new Set<unknown>()

  add(items: readonly T[]): void {
    for (const item of items) {
      const id = (item as {id?: unknown}).id
      if (id !== undefined && id !== null) {
        if (this.seen.has(id)) continue
        this.seen.add(id)
      }
      this.list.push(item)
    }
  }
}

/** A list answer's paging parts, as dots parses them or as wireListAnswer reads them from the JSON. */
export interface ListAnswer {
  meta?: {total?: unknown} | null
  /**
   * dots types `links.pages` as a union and parses it as its first member ({first, prev}): `next` and `last` end
   * up in `additionalData`. Both places are read, in case a release parses the union properly.
   */
  links?: {pages?: {next?: unknown; last?: unknown; additionalData?: Record<string, unknown> | null} | null} | null
}

/** The query of a list request, in dots' names. */
export interface ListQuery {
  queryParameters: {page?: number; perPage: number; tagName?: string; type?: 'droplets' | 'gpus'}
}

/** One list endpoint, read through dots or as wire JSON. */
export interface ListEndpoint<T> {
  path: string
  /** The list's name in the wire JSON, e.g. `ssh_keys`. */
  key: string
  extra?: Omit<ListQuery['queryParameters'], 'page' | 'perPage'>
  /** `source` names the request, for the endpoint's own checks of its items (and is the wire JSON's path). */
  fetch(query: ListQuery, source: AnswerSource): Promise<{answer: ListAnswer | undefined; items: T[] | null | undefined}>
}

/** Every item of a list endpoint, each page checked (see collectPages). */
export function listAll<T extends object>(endpoint: ListEndpoint<T>): Promise<T[]> {
  return collectPages(async (page) => {
    const queryParameters = {page, perPage: PER_PAGE, ...endpoint.extra}
    const source: AnswerSource = {method: 'GET', path: listPath(endpoint.path, queryParameters)}
    const {answer, items} = await endpoint.fetch({queryParameters}, source)
    const pages = answer?.links?.pages
    return {source, items: requireList(items, endpoint.key, source), total: answer?.meta?.total, next: pages?.next ?? pages?.additionalData?.next, last: pages?.last ?? pages?.additionalData?.last}
  })
}

/** The path and query dots sends, in its order: the wire JSON's request, and the name of either in an error. */
export function listPath(path: string, query: ListQuery['queryParameters']): string {
  const search = new URLSearchParams()
  if (query.page !== undefined) search.set('page', String(query.page))
  search.set('per_page', String(query.perPage))
  if (query.tagName !== undefined) search.set('tag_name', query.tagName)
  if (query.type !== undefined) search.set('type', query.type)
  return `${path}?${search}`
}

/** A list answer as plain JSON, its paging parts where listAll reads them; `{}` for anything but an object. */
export function wireListAnswer(json: unknown): ListAnswer & Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {}
  const page = json as Record<string, unknown>
  const meta = page.meta as {total?: unknown} | null | undefined
  const links = page.links as {pages?: {next?: unknown; last?: unknown} | null} | null | undefined
  return {...page, meta: {total: meta?.total}, links: {pages: {next: links?.pages?.next, last: links?.pages?.last}}}
}
