import {readFileSync} from 'node:fs'

import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv'
import formatsPlugin from 'ajv-formats'
import {parse as parseYaml} from 'yaml'

import {assetPath} from '../system/assets.js'

/**
 * Request validation against DigitalOcean's own OpenAPI description (the strict copy shipped in assets/), so the
 * simulator rejects what the real API rejects, not what velda-do happens to send.
 */

interface Parameter {
  in: 'query' | 'path' | 'header'
  name: string
  required?: boolean
  schema: Record<string, unknown>
}

interface Operation {
  parameters?: (Parameter | {$ref: string})[]
  requestBody?: {required?: boolean; content?: Record<string, {schema: Record<string, unknown>}>}
}

export interface RequestProblem {
  /** The field at fault, e.g. `per_page` or `names`. */
  field: string
  message: string
}

export interface OperationValidator {
  /** Path template, e.g. `/v2/droplets/{droplet_id}`. */
  template: string
  method: string
  validate(input: {query: Record<string, string>; pathParams: Record<string, string>; body: unknown; hasBody: boolean}): RequestProblem | null
}

/** Compiled once per process and description: tests start hundreds of simulators, each would compile them again. */
const compiled = new Map<string, OperationValidator[]>()

export function loadSpecValidators(specPath = assetPath('do-openapi-subset.strict.yaml')): OperationValidator[] {
  let validators = compiled.get(specPath)
  if (!validators) {
    validators = compileSpecValidators(specPath)
    compiled.set(specPath, validators)
  }
  return validators
}

function compileSpecValidators(specPath: string): OperationValidator[] {
  const spec = parseYaml(readFileSync(specPath, 'utf8')) as {paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>>}
  // Query strings are text: coerce "200" to 200 before checking, as a server's framework would.
  const ajv = new Ajv({strict: false, allErrors: true, coerceTypes: true, useDefaults: false})
  // ajv-formats is CommonJS with a default export: under NodeNext its function is on `.default`.
  ;(formatsPlugin as unknown as {default: (ajv: Ajv) => void}).default(ajv)
  ajv.addSchema({components: spec.components}, 'spec')
  const resolveParameter = (p: Parameter | {$ref: string}): Parameter =>
    '$ref' in p ? (spec.components.parameters?.[p.$ref.split('/').pop() ?? ''] as Parameter) : p
  const rewriteRefs = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"spec#/components/'))

  const validators: OperationValidator[] = []
  for (const [template, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = (operation.parameters ?? []).map(resolveParameter)
      const paramSchema = (where: 'query' | 'path') => {
        const list = parameters.filter((p) => p.in === where)
        return ajv.compile({
          type: 'object',
          properties: Object.fromEntries(list.map((p) => [p.name, rewriteRefs(p.schema)])),
          required: list.filter((p) => p.required).map((p) => p.name),
        })
      }
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema
      // Compiled when the operation is first asked for: a simulator process starts in a tenth of the time, and
      // most runs call a handful of the operations.
      let compiledOperation: {query: ValidateFunction; path: ValidateFunction; branches: ValidateFunction[]} | undefined
      const compileOperation = () => ({
        query: paramSchema('query'),
        path: paramSchema('path'),
        // A oneOf body (single or multi create) is checked branch by branch, so an error can come from the
        // branch the request meant: ajv reports errors inside $refs without saying which branch they belong to.
        branches: bodySchema ? ((bodySchema.oneOf as unknown[] | undefined) ?? [bodySchema]).map((b) => ajv.compile(rewriteRefs(b) as object)) : [],
      })
      const bodyRequired = operation.requestBody?.required === true
      validators.push({
        template,
        method: method.toUpperCase(),
        validate(input) {
          compiledOperation ??= compileOperation()
          const {path, query, branches} = compiledOperation
          return (
            check(path, {...input.pathParams}) ??
            check(query, {...input.query}) ??
            (bodyRequired && !input.hasBody ? {field: 'body', message: 'a JSON request body is required'} : null) ??
            (input.hasBody ? checkBranches(branches, input.body) : null)
          )
        },
      })
    }
  }
  return validators
}

function check(validate: ValidateFunction, data: unknown): RequestProblem | null {
  if (validate(data)) return null
  return describe(validate.errors ?? [])
}

/** Exactly one branch must accept the body; otherwise the branch the request came closest to explains why not. */
function checkBranches(branches: ValidateFunction[], body: unknown): RequestProblem | null {
  if (branches.length === 0) return null
  const results = branches.map((validate) => ({ok: validate(structuredClone(body)), errors: validate.errors ?? []}))
  const passing = results.filter((r) => r.ok).length
  if (passing === 1) return null
  if (passing > 1) return {field: 'body', message: 'matches more than one request shape (name and names together?)'}
  // A branch whose top-level keys are missing is one the request did not mean (a `names` body vs the single shape).
  const distance = (errors: ErrorObject[]) => errors.reduce((sum, e) => sum + (e.keyword === 'required' && e.instancePath === '' ? 10 : 1), 0)
  const closest = [...results].sort((a, b) => distance(a.errors) - distance(b.errors))[0]
  return describe(closest?.errors ?? [])
}

/** One error a person can act on: the deepest one. */
function describe(errors: ErrorObject[]): RequestProblem {
  const error = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0]
  const missing = (error?.params as {missingProperty?: string} | undefined)?.missingProperty
  const field = error?.instancePath.replace(/^\//, '').replace(/\//g, '.') || missing || 'body'
  return {field, message: error?.message ?? 'is invalid'}
}
