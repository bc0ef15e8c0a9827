import {isId} from './answer-checks.js'
import {absentAs, type DoClient} from './api-client.js'
import type {DotsImage} from './dots.js'
import {MalformedAnswerError} from './errors.js'
import type {Image} from './types.js'

/** Images, one at a time (doctor checks each pool's): dots' typed request. */
export class ImageService {
  constructor(private readonly client: DoClient) {}

  /** A public image by slug or id, or one of the account's by id; null when the API says 404. */
  async get(idOrSlug: string): Promise<Image | null> {
    const path = `/v2/images/${encodeURIComponent(idOrSlug)}`
    const answer = this.client.dots.images.byImage_id(/^\d+$/.test(idOrSlug) ? Number(idOrSlug) : idOrSlug).get()
    return absentAs(answer.then(({image} = {}) => {
      if (!image || !isId(image.id)) throw new MalformedAnswerError({method: 'GET', path}, 'the answer has no "image" with an id')
      return toImage(image as DotsImage & {id: number})
    }), null)
  }
}

function toImage(i: DotsImage & {id: number}): Image {
  return {id: i.id, slug: i.slug ?? null, name: i.name ?? '', regions: i.regions ?? [], status: i.status ?? 'unknown'}
}
