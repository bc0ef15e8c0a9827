import {describe, expect, it} from 'vitest'

import {SimulatorCore} from '../../src/lib/simulator/core.js'
import {doExample} from '../support/do-examples.js'

/**
 * The simulator answers with the keys DigitalOcean's own examples have (test/fixtures/do-examples/): every key an
 * example has, the simulator's answer to the same request has too, and a key only the simulator gives is one the
 * live API is known to give (each named below with its source). Where they differed, the simulator changed; the
 * list of what differed and how it was resolved is in docs/do-api.md, "DigitalOcean's examples and the simulator".
 */

const TOKEN = 'dop_v1_shape'
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0)

/** Every key path of a JSON value; an array's items are merged (`droplets[].name`). */
function keyPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>()
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item, `${at}[]`)
      return
    }
    if (v === null || typeof v !== 'object') return
    for (const [key, inner] of Object.entries(v)) {
      paths.add(`${at}.${key}`)
      walk(inner, `${at}.${key}`)
    }
  }
  walk(value, prefix)
  return paths
}

/**
 * Keys the simulator gives and an example lacks, each known from the live API or DigitalOcean's description:
 * - `size.networking_throughput`: returned by the live API though not in the description (blacksky-algorithms/rsdo,
 *   patches/README.md, "003-size-networking-throughput.patch").
 * - `size.disk_info` inside a droplet: the description's size model has it (sizes/models/size.yml), and upstream's
 *   GPU droplet example shows it.
 * - `vpc_uuid` of a created droplet: a property of the droplet model; the create example leaves it out.
 * - `account.volume_limit`: godo's Account (digitalocean/godo account.go) reads it from the live API.
 * - `request_id` of an error: the description's error model has it (shared/models/error.yml).
 * - `image.type` of GET /v2/images/{id}, and `image.error_message` inside a droplet: properties of the image
 *   model (images/models/image.yml); some examples leave them out (the GPU droplet's image, GET image's type).
 */
const KNOWN_EXTRA = [/\.size\.networking_throughput$/, /^\.sizes\[\]\.networking_throughput$/, /\.size\.disk_info/, /^\.droplets?(\[\])?\.vpc_uuid$/, /^\.account\.volume_limit$/, /^\.request_id$/, /^\.image\.type$/, /\.image\.error_message$/]

/**
 * Keys an example has that the simulator's answer to these requests rightly lacks: page links on a listing that
 * fits one page (DigitalOcean gives `links: {}` then, as its gpu_droplets and ssh keys examples show).
 */
const RIGHTLY_ABSENT = [/^\.links\.pages/]

interface Row {
  example: string
  method: string
  url: string
  body?: unknown
  /** Before the request: what the simulator must hold for its answer to be comparable. */
  prepare?: (core: SimulatorCore) => void
}

const create = (extra: Record<string, unknown> = {}) => ({size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64', backups: true, ipv6: true, monitoring: true, tags: ['web', 'env:prod'], ...extra})
const seedActive = (core: SimulatorCore) => {
  core.seedDroplets({count: 2, namePrefix: 'web', tags: ['web', 'env:prod'], ipv6: true})
  core.seedDroplets({count: 1, size: 'gpu-h100x1-80gb', namePrefix: 'gpu'})
  // Backups, as the examples' droplets have: made through the API, then active.
  ask(core, 'POST', '/v2/droplets', {name: 'backed-up', ...create()})
  core.activate()
}

const ROWS: Row[] = [
  {example: 'droplets-list', method: 'GET', url: '/v2/droplets', prepare: seedActive},
  {example: 'droplets-list-tagged', method: 'GET', url: '/v2/droplets?tag_name=env:prod', prepare: seedActive},
  {example: 'droplets-list-gpus', method: 'GET', url: '/v2/droplets?type=gpus', prepare: seedActive},
  {example: 'droplet-get', method: 'GET', url: '/v2/droplets/{backed-up}', prepare: seedActive},
  {example: 'droplet-create', method: 'POST', url: '/v2/droplets', body: {name: 'example.com', ...create()}},
  {example: 'droplets-create-multi', method: 'POST', url: '/v2/droplets', body: {names: ['sub-01.example.com', 'sub-02.example.com'], ...create()}},
  {example: 'sizes-list', method: 'GET', url: '/v2/sizes?per_page=1'},
  {example: 'sizes-list-gpu', method: 'GET', url: '/v2/sizes'},
  {example: 'regions-list', method: 'GET', url: '/v2/regions?per_page=1'},
  {example: 'account-get', method: 'GET', url: '/v2/account'},
  {example: 'ssh-keys-list', method: 'GET', url: '/v2/account/keys'},
  {example: 'image-get', method: 'GET', url: '/v2/images/ubuntu-24-04-x64'},
  {example: 'projects-list', method: 'GET', url: '/v2/projects'},
  {example: 'project-default', method: 'GET', url: '/v2/projects/default'},
  {example: 'project-get', method: 'GET', url: '/v2/projects/{gpu-fleet}'},
  {example: 'projects-assign-resources', method: 'POST', url: '/v2/projects/{gpu-fleet}/resources', body: {resources: ['do:droplet:{backed-up}']}, prepare: seedActive},
  {example: 'error-not-found', method: 'GET', url: '/v2/droplets/1'},
  {example: 'error-unprocessable-entity', method: 'GET', url: '/v2/droplets?per_page=500'},
]

function ask(core: SimulatorCore, method: string, url: string, body?: unknown, token = TOKEN): {status: number; json: unknown} {
  const {answer} = core.handle({method, url, authorization: `Bearer ${token}`, body: body === undefined ? '' : JSON.stringify(body)})
  if (answer.kind !== 'answer') throw new Error(`${method} ${url}: no answer`)
  return {status: answer.status, json: answer.body === null ? null : JSON.parse(answer.body)}
}

/** `{backed-up}` and `{gpu-fleet}` in a URL or body: the id of that droplet or project in this simulator. */
function resolve(core: SimulatorCore, text: string): string {
  return text
    .replace('{backed-up}', String(core.allDroplets().find((d) => d.name === 'backed-up')?.id))
    .replace('{gpu-fleet}', core.projectList().find((p) => p.name === 'gpu-fleet')?.id ?? '')
}

function answerTo(row: Row): {status: number; json: unknown} {
  const core = new SimulatorCore({token: TOKEN, now: () => NOW, activeAfterMs: null})
  row.prepare?.(core)
  const body = row.body === undefined ? undefined : JSON.parse(resolve(core, JSON.stringify(row.body)))
  return ask(core, row.method, resolve(core, row.url), body)
}

describe('the simulator answers with the keys of DigitalOcean\'s examples', () => {
  it.each(ROWS)('$example: $method $url', (row) => {
    const example = doExample(row.example)
    const answer = answerTo(row)
    expect(answer.status).toBe(example.status)
    const theirs = keyPaths(example.body)
    const ours = keyPaths(answer.json)
    const missing = [...theirs].filter((path) => !ours.has(path) && !RIGHTLY_ABSENT.some((p) => p.test(path)))
    expect(missing, `keys DigitalOcean's ${row.example} has and the simulator's answer lacks`).toEqual([])
    const extra = [...ours].filter((path) => !theirs.has(path) && !KNOWN_EXTRA.some((p) => p.test(path)))
    // An address list the example's droplet has empty and ours has filled (or the other way) adds no key.
    expect(extra.filter((path) => !/\.networks\.v[46]\[\]/.test(path)), `keys only the simulator gives in ${row.example}`).toEqual([])
  })

  it('401: DigitalOcean\'s words, with its full stop (doctl#252 shows the live answer the same)', () => {
    const core = new SimulatorCore({token: TOKEN, now: () => NOW})
    const answer = ask(core, 'GET', '/v2/account', undefined, 'dop_v1_wrong')
    expect(answer).toMatchObject({status: 401, json: {id: 'unauthorized', message: doExample('error-unauthorized').body.message}})
  })

  it('an active droplet with backups has its next backup window, as the examples\' do; a new one and one without backups have null', () => {
    const core = new SimulatorCore({token: TOKEN, now: () => NOW, activeAfterMs: null})
    const made = ask(core, 'POST', '/v2/droplets', {names: ['with', 'without'], ...create()}).json as {droplets: {id: number}[]}
    const without = ask(core, 'POST', '/v2/droplets', {name: 'plain', ...create({backups: false})}).json as {droplet: {next_backup_window: unknown}}
    // Just created: no window yet, as DigitalOcean's create examples show.
    expect((ask(core, 'GET', `/v2/droplets/${made.droplets[0]?.id}`).json as {droplet: {next_backup_window: unknown}}).droplet.next_backup_window).toBeNull()
    core.activate()
    const withBackups = ask(core, 'GET', `/v2/droplets/${made.droplets[0]?.id}`).json as {droplet: {next_backup_window: unknown}}
    expect(withBackups.droplet.next_backup_window).toEqual({start: '2026-12-05T00:00:00Z', end: '2026-12-05T23:00:00Z'})
    expect(without.droplet.next_backup_window).toBeNull()
  })
})
