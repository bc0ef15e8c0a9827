import {UsageError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'
import {UUID_PATTERN} from '../text/wire-formats.js'
import {inflect, plural} from '../text/plural.js'

/** A DigitalOcean project as `--project` resolves it. */
export interface ProjectRef {
  id: string
  name: string
}

/** What assigning the created droplets to the project did: every droplet is in exactly one of the lists. */
export interface ProjectOutcome {
  project: ProjectRef
  assigned: number[]
  failed: {id: number; name: string; error: string}[]
}


/**
 * `--project NAME|ID`, resolved before anything is created: a typo must not leave droplets outside the project.
 * An id matches exactly; a name exactly, then ignoring case; `default` is the account's default project. Two
 * projects of one name cannot be told apart by name: the user must give the id.
 */
export function findProject(projects: readonly {id: string; name: string; is_default: boolean}[], wanted: string): ProjectRef {
  const byId = projects.find((p) => p.id === wanted || (UUID_PATTERN.test(wanted) && p.id.toLowerCase() === wanted.toLowerCase()))
  if (byId) return {id: byId.id, name: byId.name}
  if (wanted === 'default') {
    const fallback = projects.find((p) => p.is_default)
    if (fallback) return {id: fallback.id, name: fallback.name}
  }
  const exact = projects.filter((p) => p.name === wanted)
  const named = exact.length > 0 ? exact : projects.filter((p) => p.name.toLowerCase() === wanted.toLowerCase())
  if (named.length === 1 && named[0]) return {id: named[0].id, name: named[0].name}
  if (named.length > 1) {
    throw new UsageError(`--project ${printableCell(wanted)}: ${plural(named.length, 'project')} ${inflect(named.length, 'has', 'have')} that name; nothing was created`, {
      suggestions: [`give the id instead: ${named.map((p) => p.id).join(' or ')}`],
    })
  }
  throw new UsageError(`--project ${printableCell(wanted)}: the account has no such project; nothing was created`, {
    suggestions: [
      projects.length > 0 ? `the projects are: ${projects.map((p) => printableCell(p.name)).join(', ')}` : 'the account has no projects yet: make one in the control panel (Projects, New Project) or with doctl projects create',
      'or leave out --project (and $VELDA_DO_PROJECT): the droplets then go to the default project',
    ],
  })
}

/**
 * Assigns the created droplets to the project. A failure (the API refusing, or not answering) is reported
 * droplet by droplet, never thrown past the droplets: they exist, in the default project, and the report says so.
 */
export async function assignToProject(
  api: {assignToProject(projectId: string, dropletIds: number[]): Promise<{droplet_id: number; status: string; assigned: boolean}[]>},
  project: ProjectRef,
  droplets: readonly {id: number; name: string}[],
): Promise<ProjectOutcome> {
  const names = new Map(droplets.map((d) => [d.id, d.name]))
  try {
    const answers = await api.assignToProject(project.id, droplets.map((d) => d.id))
    return {
      project,
      assigned: answers.filter((a) => a.assigned).map((a) => a.droplet_id),
      failed: answers.filter((a) => !a.assigned).map((a) => ({id: a.droplet_id, name: names.get(a.droplet_id) ?? '', error: `DigitalOcean answered ${a.status}`})),
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return {project, assigned: [], failed: droplets.map((d) => ({id: d.id, name: d.name, error: message}))}
  }
}
