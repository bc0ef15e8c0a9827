import type {Droplet, DropletStatus} from './types.js'
import {utcSeconds} from '../text/wire-formats.js'

/**
 * A droplet as the API's JSON spells it, and the one mapper from it to velda-do's Droplet: listings and create
 * answers alike read droplets straight from the wire rather than through dots' models, since Kiota rebuilds every
 * enum table for every value it parses (three quarters of a second for 10,000 droplets) and keeps a backing store
 * per object, while velda-do reads a dozen fields. Anything can arrive here, so every field is checked for its
 * type, never cast.
 */
export interface WireDroplet {
  id: number
  [key: string]: unknown
}

export function fromWireDroplet(d: WireDroplet): Droplet {
  const region = record(d.region)
  const image = record(d.image)
  const networks = record(d.networks)
  const imageId = image.id
  return {
    id: d.id,
    name: text(d.name),
    status: (text(d.status) || 'new') as DropletStatus,
    region: text(region.slug),
    size: text(d.size_slug),
    image: text(image.slug) || (typeof imageId === 'number' ? String(imageId) : ''),
    public_ipv4: address(networks.v4, 'public'),
    private_ipv4: address(networks.v4, 'private'),
    public_ipv6: address(networks.v6, 'public'),
    created_at: timestamp(d.created_at),
    tags: Array.isArray(d.tags) ? d.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    price_hourly: price(record(d.size).price_hourly),
    gpu_model: text(record(d.gpu_info).model) || null,
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** A price as the API gives it; null for anything else (a size without one): never counted as $0. */
export function price(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null
}

function address(list: unknown, type: string): string | null {
  if (!Array.isArray(list)) return null
  const found = list.map(record).find((network) => network.type === type)
  return found && typeof found.ip_address === 'string' ? found.ip_address : null
}

/** RFC 3339 as the API writes it, to the second (`2026-11-27T10:00:00Z`); '' for anything that is not a time. */
function timestamp(value: unknown): string {
  if (typeof value !== 'string') return ''
  const time = new Date(value)
  return Number.isNaN(time.getTime()) ? '' : utcSeconds(time.getTime())
}
