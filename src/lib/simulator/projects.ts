import {randomHex} from './random.js'

/** A DigitalOcean project as GET /v2/projects answers it. */
export interface SimProject {
  id: string
  owner_uuid: string
  owner_id: number
  name: string
  description: string
  purpose: string
  environment: 'Development' | 'Staging' | 'Production'
  is_default: boolean
  created_at: string
  updated_at: string
}

/** What a project assignment did to one URN: DigitalOcean's per-resource statuses (projects_assign_resources). */
export type AssignmentStatus = 'assigned' | 'already_assigned' | 'not_found'

/** A random v4 uuid from the simulator's seeded generator, so a seed always gives the same projects. */
export function seededUuid(random: () => number): string {
  const variant = '89ab'[Math.floor(random() * 4)] ?? '8'
  return `${randomHex(random, 8)}-${randomHex(random, 4)}-4${randomHex(random, 3)}-${variant}${randomHex(random, 3)}-${randomHex(random, 12)}`
}

/**
 * Every account has a default project (where droplets land when nobody says otherwise); a second one gives
 * `--project NAME` something other than the default to find.
 */
export function seedProjects(random: () => number, owner: {uuid: string; id: number}): SimProject[] {
  const made = '2025-03-14T09:26:53Z'
  const project = (name: string, fields: Partial<SimProject>): SimProject => ({
    id: seededUuid(random),
    owner_uuid: owner.uuid,
    owner_id: owner.id,
    name,
    description: '',
    purpose: 'Just trying out DigitalOcean',
    environment: 'Development',
    is_default: false,
    created_at: made,
    updated_at: made,
    ...fields,
  })
  return [
    project('first-project', {description: 'Update your project information under Settings', is_default: true}),
    project('gpu-fleet', {description: 'Velda agents', purpose: 'Machine learning / AI / Data processing', environment: 'Production'}),
  ]
}

/** A droplet's URN, `do:droplet:<id>`: the droplet id, or null for any other resource or a malformed id. */
export function dropletIdOfUrn(urn: string): number | null {
  const match = /^do:droplet:(\d+)$/.exec(urn)
  return match ? Number(match[1]) : null
}

/** Where a resource of this URN is read (`links.self` of an assignment): the API path of its kind. */
export function urnSelfLink(origin: string, urn: string): string {
  const [, kind = '', ...rest] = urn.split(':')
  const collection: Record<string, string> = {droplet: 'droplets', volume: 'volumes', domain: 'domains', floatingip: 'floating_ips', loadbalancer: 'load_balancers', kubernetes: 'kubernetes/clusters', dbaas: 'databases', vpc: 'vpcs'}
  return `${origin}/v2/${collection[kind] ?? kind}/${encodeURIComponent(rest.join(':'))}`
}
