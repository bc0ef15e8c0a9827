/** The API's largest page: the fewest requests for a full list. */
export const PER_PAGE = 200

export interface Page<T> {
  items: T[]
  /** `meta.total` of the answer. */
  total: number
}

/**
 * Every page, by page number (`links.pages.next` is not typed in dots and bypasses its base URL). A page that
 * fails fails the whole list: a silently short list would make velda-do create or delete the wrong droplets.
 */
export async function collectPages<T extends object>(fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = []
  const seen = new Set<unknown>()
  for (let page = 1, lastPage = 1; page <= lastPage; page++) {
    const answer = await fetchPage(page)
    // A list that changes between pages can shift an item onto the next page: keep each id once.
    for (const item of answer.items) {
      const id = (item as {id?: unknown}).id
      if (id !== undefined && id !== null) {
        if (seen.has(id)) continue
        seen.add(id)
      }
      items.push(item)
    }
    lastPage = Math.max(1, Math.ceil(answer.total / PER_PAGE))
  }
  return items
}
