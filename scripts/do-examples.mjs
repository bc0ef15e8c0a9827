#!/usr/bin/env node
// Writes test/fixtures/do-examples/: the example answers DigitalOcean publishes in its OpenAPI description, one
// JSON file each, naming where it was taken from. Run with a clone of github.com/digitalocean/openapi:
//   node scripts/do-examples.mjs /path/to/openapi [commit]
// The examples are upstream's text, unchanged but for YAML becoming JSON; the few answers upstream gives no
// example for are assembled from the `example` of each property of the model (said in the file's `source.note`).
import {execFileSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'yaml'

const [repo, commit = 'HEAD'] = process.argv.slice(2)
if (!repo) {
  console.error('usage: node scripts/do-examples.mjs /path/to/digitalocean/openapi [commit]')
  process.exit(2)
}
const git = (...args) => execFileSync('git', ['-C', repo, ...args], {encoding: 'utf8', maxBuffer: 64 << 20})
const sha = git('rev-parse', commit).trim()
const read = (path) => parse(git('show', `${sha}:${path}`))
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'do-examples')
mkdirSync(out, {recursive: true})

const R = 'specification/resources'
const S = 'specification/shared/responses'
const DROPLET_EXAMPLES = `${R}/droplets/responses/examples.yml`

/** The example of a response file: `example` beside the schema or under it, or a named one of `examples`. */
function responseExample(path, name) {
  const content = read(path).content['application/json']
  if (name) {
    const entry = content.examples[name]
    return entry.value ?? (() => {
      throw new Error(`${path}: example ${name} is a $ref`)
    })()
  }
  return content.example ?? content.schema.example
}

/** An answer assembled from the `example` of each property (for answers upstream gives none of). */
function fromPropertyExamples(schema, file = schema) {
  if (schema.$ref?.startsWith('#/')) return fromPropertyExamples(file[schema.$ref.slice(2)], file)
  if (schema.example !== undefined) return schema.example
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => fromPropertyExamples(part, file)))
  if (schema.type === 'object' || schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, fromPropertyExamples(value, file)]))
  }
  throw new Error(`no example for ${JSON.stringify(schema).slice(0, 80)}`)
}

const fixtures = [
  ['droplets-list', 'droplets_list', 200, DROPLET_EXAMPLES, 'droplets_all', () => read(DROPLET_EXAMPLES).droplets_all.value],
  ['droplets-list-tagged', 'droplets_list', 200, DROPLET_EXAMPLES, 'droplets_tagged', () => read(DROPLET_EXAMPLES).droplets_tagged.value],
  ['droplets-list-gpus', 'droplets_list', 200, DROPLET_EXAMPLES, 'gpu_droplets', () => read(DROPLET_EXAMPLES).gpu_droplets.value],
  ['droplet-get', 'droplets_get', 200, DROPLET_EXAMPLES, 'droplet_single', () => read(DROPLET_EXAMPLES).droplet_single.value],
  ['droplet-create', 'droplets_create', 202, DROPLET_EXAMPLES, 'droplet_create_response', () => read(DROPLET_EXAMPLES).droplet_create_response.value],
  ['droplets-create-multi', 'droplets_create', 202, DROPLET_EXAMPLES, 'droplet_multi_create_response', () => read(DROPLET_EXAMPLES).droplet_multi_create_response.value],
  ['sizes-list', 'sizes_list', 200, `${R}/sizes/responses/all_sizes.yml`, 'example', () => responseExample(`${R}/sizes/responses/all_sizes.yml`)],
  [
    'sizes-list-gpu', 'sizes_list', 200, DROPLET_EXAMPLES, 'gpu_droplets: droplets[0].size',
    () => ({sizes: [read(DROPLET_EXAMPLES).gpu_droplets.value.droplets[0].size], links: {}, meta: {total: 1}}),
    'upstream\'s sizes example has no GPU size: this is the size object of its GPU droplet example, in the sizes list envelope',
  ],
  ['regions-list', 'regions_list', 200, `${R}/regions/responses/all_regions.yml`, 'example', () => responseExample(`${R}/regions/responses/all_regions.yml`)],
  [
    'account-get', 'account_get', 200, `${R}/account/models/account.yml`, 'the example of each property',
    () => ({account: fromPropertyExamples(read(`${R}/account/models/account.yml`))}),
    'responses/account.yml has no example: the answer is assembled from the example of each property of the model, as DigitalOcean\'s API reference shows it',
  ],
  ['ssh-keys-list', 'sshKeys_list', 200, `${R}/ssh_keys/responses/sshKeys_all.yml`, 'example', () => responseExample(`${R}/ssh_keys/responses/sshKeys_all.yml`)],
  ['image-get', 'images_get', 200, `${R}/images/responses/existing_image.yml`, 'example', () => responseExample(`${R}/images/responses/existing_image.yml`)],
  ['projects-list', 'projects_list', 200, `${R}/projects/responses/projects_list.yml`, 'example', () => responseExample(`${R}/projects/responses/projects_list.yml`)],
  ['project-default', 'projects_get_default', 200, `${R}/projects/responses/default_project.yml`, 'example', () => responseExample(`${R}/projects/responses/default_project.yml`)],
  [
    'project-get', 'projects_get', 200, `${R}/projects/models/project.yml`, 'the example of each property',
    () => {
      const models = read(`${R}/projects/models/project.yml`)
      return {project: fromPropertyExamples(models.project, models)}
    },
    'responses/existing_project.yml has no example: the answer is assembled from the example of each property of the model',
  ],
  ['projects-assign-resources', 'projects_assign_resources', 200, `${R}/projects/responses/assigned_resources_list.yml`, 'example', () => responseExample(`${R}/projects/responses/assigned_resources_list.yml`)],
  ['tags-list', 'tags_list', 200, `${R}/tags/responses/tags_all.yml`, 'example', () => responseExample(`${R}/tags/responses/tags_all.yml`)],
  ['error-tag-invalid-characters', 'tags_create', 400, `${R}/tags/responses/tags_bad_request.yml`, 'InvalidCharacters', () => responseExample(`${R}/tags/responses/tags_bad_request.yml`, 'InvalidCharacters')],
  ['error-bad-request', '(shared)', 400, `${S}/bad_request.yml`, 'example', () => responseExample(`${S}/bad_request.yml`)],
  ['error-unauthorized', '(shared)', 401, `${S}/unauthorized.yml`, 'example', () => responseExample(`${S}/unauthorized.yml`)],
  ['error-forbidden', '(shared)', 403, `${S}/forbidden.yml`, 'example', () => responseExample(`${S}/forbidden.yml`)],
  ['error-not-found', '(shared)', 404, `${S}/not_found.yml`, 'example', () => responseExample(`${S}/not_found.yml`)],
  ['error-unprocessable-entity', '(shared)', 422, `${S}/unprocessable_entity.yml`, 'example', () => responseExample(`${S}/unprocessable_entity.yml`)],
  ['error-too-many-requests', '(shared)', 429, `${S}/too_many_requests.yml`, 'example', () => responseExample(`${S}/too_many_requests.yml`)],
  ['error-server-error', '(shared)', 500, `${S}/server_error.yml`, 'example', () => responseExample(`${S}/server_error.yml`)],
  ['error-unexpected', '(shared)', 503, `${S}/unexpected_error.yml`, 'example', () => responseExample(`${S}/unexpected_error.yml`)],
]

for (const [file, operation, status, path, example, body, note] of fixtures) {
  const source = {repository: 'https://github.com/digitalocean/openapi', commit: sha, path, example, ...(note ? {note} : {})}
  writeFileSync(join(out, `${file}.json`), `${JSON.stringify({source, operation, status, body: body()}, null, 2)}\n`)
}
console.log(`${fixtures.length} examples from digitalocean/openapi ${sha} in ${out}`)
