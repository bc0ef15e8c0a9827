import {describe, expect, it} from 'vitest'

import {MalformedAnswerError} from '../../src/lib/do/errors.js'
import {collectPages, type Page, PER_PAGE} from '../../src/lib/do/paginate.js'

/** collectPages on hand-made pages: the envelopes the simulator cannot be asked to send. */

type Item = {id: number}
const items = (from: number, count: number): Item[] => Array.from({length: count}, (_v, i) => ({id: from + i}))
const source = (page: number) => ({method: 'GET', path: `/v2/things?page=${page}&per_page=${PER_PAGE}`})

function pages(list: Omit<Page<Item>, 'source'>[]) {
  const asked: number[] = []
  const fetchPage = async (page: number): Promise<Page<Item>> => {
    asked.push(page)
    const answer = list[page - 1]
    if (!answer) throw new Error(`page ${page} was not expected to be asked for`)
    return {source: source(page), ...answer}
  }
  return {fetchPage, asked}
}

const next = (page: number) => `https://api.digitalocean.com/v2/things?page=${page}&per_page=${PER_PAGE}`

describe('collectPages', () => {
  it('reads an empty list in one request', async () => {
    const {fetchPage, asked} = pages([{items: [], total: 0, next: undefined, last: undefined}])
    expect(await collectPages(fetchPage)).toEqual([])
    expect(asked).toEqual([1])
  })

  it('stops on a full last page without links.pages.next (a total that is a multiple of per_page)', async () => {
    const {fetchPage, asked} = pages([
      {items: items(1, 200), total: 400, next: next(2), last: next(2)},
      {items: items(201, 200), total: 400, next: null, last: null},
    ])
    expect(await collectPages(fetchPage)).toHaveLength(400)
    expect(asked).toEqual([1, 2])
  })

  it('keeps once an item shifted onto the next page while the list was read', async () => {
    const {fetchPage} = pages([
      {items: items(1, 200), total: 201, next: next(2), last: next(2)},
      {items: items(200, 2), total: 201, next: undefined, last: undefined},
    ])
    expect((await collectPages(fetchPage)).map((i) => i.id)).toEqual(items(1, 201).map((i) => i.id))
  })

  it.each([
    ['a links.pages.next that is not an address', {items: items(1, 200), total: 400, next: 7, last: undefined}, 'the answer\'s links.pages.next (7) is not a page address'],
    ['a links.pages.last without a page number', {items: items(1, 200), total: 400, next: next(2), last: 'https://x/v2/things'}, 'the answer\'s links.pages.last ("https://x/v2/things") is not a page address'],
    ['more items than per_page', {items: items(1, 201), total: 201, next: undefined, last: undefined}, 'page 1 has 201 items, more than the 200 asked for'],
    ['meta.total as text', {items: items(1, 3), total: '3', next: undefined, last: undefined}, 'the answer\'s meta.total ("3") is not a count'],
  ])('fails on %s', async (_name, page, message) => {
    const {fetchPage} = pages([page])
    const error = await collectPages(fetchPage).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect((error as Error).message).toBe(`GET /v2/things?page=1&per_page=200: ${message}`)
  })

  it('fails when a later page is empty but meta.total said there was more', async () => {
    const {fetchPage} = pages([
      {items: items(1, 200), total: 450, next: next(2), last: next(3)},
      {items: [], total: 450, next: undefined, last: undefined},
    ])
    await expect(collectPages(fetchPage)).rejects.toThrow('GET /v2/things?page=2&per_page=200: the list ended after 200 items on page 2, but meta.total said 450')
  })
})
