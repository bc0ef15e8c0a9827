import {type Alias, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair} from 'yaml'

import {Secret} from '../secret.js'
import type {Diagnostic, SourcePosition} from './diagnostics.js'
import {type Environment, findMalformedReference, interpolate, isBareVariableName} from './interpolate.js'
import {suggestKey, toSnakeCase} from './keys.js'
import {describeSpec, type ObjectSpec, type Spec, type StringSpec} from './spec.js'

/** A secret value from the config. `secret` is null while a variable it needs is unset. */
export interface SecretSetting {
  secret: Secret | null
  /** The environment variables the value is read from. */
  variables: string[]
  missing: string[]
  path: string
  position: SourcePosition | null
}

export interface StringMapEntry {
  key: string
  value: string
  position: SourcePosition | null
}

export type DecodedObject = Record<string, unknown>

export interface DecodeContext {
  file: string
  text: string
  lineCounter: LineCounter
  /** From examineStructure: every alias of the document and the node it names. */
  aliasTargets: ReadonlyMap<Alias, Node>
  env: Environment
  diagnostics: Diagnostic[]
}

interface Entry {
  key: string
  keyNode: Node | null
  value: unknown
}

/** Walks a YAML document along a `Spec`, collecting every problem (with its position) instead of stopping. */
export class Decoder {
  /** Problems reported so far, so that one reported for each pool sharing a setting is listed once. */
  private readonly reported = new Set<string>()

  constructor(private readonly ctx: DecodeContext) {
    for (const d of ctx.diagnostics) this.reported.add(reportKey(d))
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.ctx.diagnostics
  }

  positionOf(node: unknown): SourcePosition | null {
    const range = (node as {range?: [number, number, number]} | null)?.range
    if (!range) return null
    const {line, col} = this.ctx.lineCounter.linePos(range[0])
    return {file: this.ctx.file, line, col}
  }

  report(severity: Diagnostic['severity'], path: string, at: unknown, message: string, fix?: string): void {
    const position = isPosition(at) ? at : this.positionOf(at)
    const diagnostic: Diagnostic = {severity, path, message, position, ...(fix ? {fix} : {})}
    // Settings shared by several pools (a provisioner's labels) are checked once per pool: report them once.
    const key = reportKey(diagnostic)
    if (this.reported.has(key)) return
    this.reported.add(key)
    this.ctx.diagnostics.push(diagnostic)
  }

  error(path: string, at: unknown, message: string, fix?: string): void {
    this.report('error', path, at, message, fix)
  }

  warn(path: string, at: unknown, message: string, fix?: string): void {
    this.report('warning', path, at, message, fix)
  }

  /** Follows YAML aliases (`*anchor`) to the node they name. */
  resolve(node: unknown): unknown {
    return isAlias(node) ? this.ctx.aliasTargets.get(node) : node
  }

  /** Entries of a mapping with keys in snake_case; keys given by `<<` merges come after explicit ones. */
  entries(mapNode: unknown): Entry[] {
    const node = this.resolve(mapNode)
    if (!isMap(node)) return []
    const explicit: Entry[] = []
    const merged: Entry[] = []
    for (const pair of node.items as Pair[]) {
      const keyNode = (isScalar(pair.key) ? pair.key : null) as Node | null
      const keyValue = isScalar(pair.key) ? pair.key.value : pair.key
      // With merge keys on, yaml gives `<<` as a symbol.
      const keyText = typeof keyValue === 'symbol' ? (keyValue.description ?? '') : String(keyValue)
      if (keyText === '<<') {
        const sources = this.resolve(pair.value)
        const maps = isSeq(sources) ? sources.items : [sources]
        for (const source of maps) for (const entry of this.entries(source)) merged.push(entry)
        continue
      }
      explicit.push({key: keyText, keyNode, value: pair.value})
    }
    // YAML merge rules: an explicit key wins over a merged one, and an earlier merged map over a later one.
    const seen = new Set(explicit.map((e) => toSnakeCase(e.key)))
    for (const entry of merged) {
      const key = toSnakeCase(entry.key)
      if (seen.has(key)) continue
      seen.add(key)
      explicit.push(entry)
    }
    return explicit
  }

  /** The value under `key` (any accepted spelling), without checking anything else. */
  child(mapNode: unknown, key: string, aliases: Readonly<Record<string, string>> = {}): Entry | undefined {
    return this.entries(mapNode).find((e) => (aliases[e.key] ?? toSnakeCase(e.key)) === key)
  }

  /** Returns the decoded value, or undefined when it is absent or invalid (the problem is then reported). */
  decode(rawNode: unknown, spec: Spec, path: string, anchor: unknown): unknown {
    const node = this.resolve(rawNode)
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return undefined
    switch (spec.kind) {
      case 'object':
        return this.decodeObject(node, spec, path, anchor)
      case 'list': {
        if (!isSeq(node)) return this.mismatch(node, spec, path)
        const items: unknown[] = []
        node.items.forEach((item, index) => {
          const value = this.decode(item, spec.items, `${path}[${index}]`, item)
          if (value !== undefined) items.push(value)
        })
        return items
      }
      case 'stringMap':
        return this.decodeStringMap(node, path)
      default:
        return this.decodeScalar(node, spec, path)
    }
  }

  private decodeObject(node: unknown, spec: ObjectSpec, path: string, anchor: unknown): DecodedObject | undefined {
    if (!isMap(node)) return this.mismatch(node, spec, path)
    const result: DecodedObject = {}
    const present = new Map<string, Entry>()
    const known = Object.keys(spec.fields)
    for (const entry of this.entries(node)) {
      const key = spec.aliases?.[entry.key] ?? toSnakeCase(entry.key)
      const fieldPath = path ? `${path}.${key}` : key
      const earlier = present.get(key)
      if (earlier) {
        const where = this.positionOf(earlier.keyNode)
        this.error(fieldPath, entry.keyNode, `"${entry.key}" repeats "${earlier.key}"${where ? ` (line ${where.line})` : ''}`,
          'keep one of the two spellings')
        continue
      }
      present.set(key, entry)
      if (spec.ignored?.includes(key)) continue
      const fieldSpec = spec.fields[key]
      if (!fieldSpec) {
        const suggestion = suggestKey(entry.key, known)
        this.error(fieldPath, entry.keyNode, `unknown key "${entry.key}"`,
          suggestion ? `did you mean "${suggestion}"?` : `the keys allowed here are: ${known.join(', ')}`)
        continue
      }
      const value = this.decode(entry.value, fieldSpec, fieldPath, entry.keyNode)
      if (value !== undefined) result[key] = value
    }
    for (const key of spec.required ?? []) {
      if (result[key] !== undefined) continue
      const entry = present.get(key)
      const fieldPath = path ? `${path}.${key}` : key
      const value = entry ? this.resolve(entry.value) : undefined
      if (!entry) this.error(fieldPath, anchor ?? node, `required key "${key}" is missing`, `add ${key}: ...`)
      else if (isScalar(value) && value.value === null) this.error(fieldPath, entry.keyNode, `"${key}" has no value`, `give ${key} a value`)
    }
    return result
  }

  private decodeStringMap(node: unknown, path: string): StringMapEntry[] | undefined {
    if (!isMap(node)) return this.mismatch(node, {kind: 'stringMap'}, path)
    const entries: StringMapEntry[] = []
    for (const pair of node.items) {
      if (!isPair(pair)) continue
      const key = isScalar(pair.key) ? pair.key.value : undefined
      const valueNode = this.resolve(pair.value)
      const value = isScalar(valueNode) ? valueNode.value : undefined
      const entryPath = `${path}.${String(key)}`
      if (typeof key !== 'string') {
        this.error(entryPath, pair.key, 'label keys must be strings', `quote it: "${String(key)}"`)
      } else if (typeof value !== 'string') {
        const source = this.sourceOf(valueNode)
        this.error(entryPath, valueNode ?? pair.key, `label values must be strings, but YAML reads ${source} as ${typeName(value)}`,
          `quote it: ${key}: "${source}"`)
      } else {
        const text = this.interpolateOrReport(value, entryPath, valueNode)
        if (text !== undefined) entries.push({key, value: text, position: this.positionOf(pair.key)})
      }
    }
    return entries
  }

  private decodeScalar(node: unknown, spec: Exclude<Spec, {kind: 'object' | 'list' | 'stringMap'}>, path: string): unknown {
    if (!isScalar(node)) return this.mismatch(node, spec, path)
    let value = node.value
    if (spec.kind === 'string') return this.decodeString(node, value, spec, path)
    if (typeof value === 'string' && value.includes('${') && spec.kind !== 'enum') {
      // `max_agents: ${MAX}` is a string to YAML; read it as the type the key wants once the variable is in.
      const text = this.interpolateOrReport(value, path, node)
      if (text === undefined) return undefined
      value = /^-?\d+$/.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text
    }
    switch (spec.kind) {
      case 'int':
        if (typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max) return value
        return this.mismatch(node, spec, path)
      case 'bool':
        if (typeof value === 'boolean') return value
        return this.mismatch(node, spec, path, `write ${lastKey(path)}: true or ${lastKey(path)}: false`)
      case 'enum': {
        if (typeof value === 'string' && spec.values.includes(value)) return value
        if (typeof value === 'number' && spec.values[value] !== undefined) return spec.values[value]
        return this.mismatch(node, spec, path)
      }
      case 'image':
        if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value
        if (typeof value === 'string' && value !== '') return value
        return this.mismatch(node, spec, path)
    }
  }

  private decodeString(node: unknown, value: unknown, spec: StringSpec, path: string): unknown {
    if (typeof value !== 'string') {
      if (spec.secret) {
        // Never quote a secret back, even a malformed one.
        this.error(path, node, 'must be a string', `quote the value, or better: ${lastKey(path)}: "\${VARIABLE}"`)
        return undefined
      }
      return this.mismatch(node, spec, path, `quote it: ${lastKey(path)}: "${this.sourceOf(node)}"`)
    }
    if (spec.secret) return this.decodeSecret(node, value, spec, path)
    const text = this.interpolateOrReport(value, path, node)
    if (text === undefined) return undefined
    const problem = spec.check?.(text)
    if (problem) {
      this.error(path, node, problem.message, problem.fix)
      return undefined
    }
    return text
  }

  private decodeSecret(node: unknown, raw: string, spec: StringSpec, path: string): SecretSetting | undefined {
    const position = this.positionOf(node)
    if (spec.bareVariable && isBareVariableName(raw)) {
      const value = this.ctx.env[raw]
      return {secret: value === undefined ? null : new Secret(value), variables: [raw], missing: value === undefined ? [raw] : [], path, position}
    }
    const malformed = findMalformedReference(raw)
    if (malformed) {
      this.error(path, node, `malformed variable reference "${malformed}"`, 'write ${NAME} with a name of letters, digits and _')
      return undefined
    }
    const {value, variables, missing} = interpolate(raw, this.ctx.env)
    return {secret: missing.length > 0 ? null : new Secret(value), variables, missing, path, position}
  }

  private interpolateOrReport(raw: string, path: string, node: unknown): string | undefined {
    const malformed = findMalformedReference(raw)
    if (malformed) {
      this.error(path, node, `malformed variable reference "${malformed}"`, 'write ${NAME} with a name of letters, digits and _')
      return undefined
    }
    const {value, missing} = interpolate(raw, this.ctx.env)
    if (missing.length > 0) {
      const names = missing.join(', ')
      this.error(path, node, `environment variable ${names} is not set`,
        `export ${missing[0]}=... before running velda-do, or write the value in the file`)
      return undefined
    }
    return value
  }

  private mismatch(node: unknown, spec: Spec, path: string, fix?: string): undefined {
    const source = this.sourceOf(node)
    const found = isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : source
    this.error(path, node, `must be ${describeSpec(spec)}, not ${found}`, fix)
    return undefined
  }

  /** The node exactly as written in the file, shortened: error messages quote what the user typed. */
  sourceOf(node: unknown): string {
    const range = (node as {range?: [number, number, number]} | null)?.range
    if (!range) return String(node)
    const text = this.ctx.text.slice(range[0], range[1]).trim()
    return text.length > 60 ? `${text.slice(0, 57)}...` : text
  }
}

function reportKey(d: Diagnostic): string {
  return JSON.stringify([d.path, d.message, d.position?.line, d.position?.col])
}

function isPosition(value: unknown): value is SourcePosition {
  return typeof value === 'object' && value !== null && 'line' in value && 'col' in value && 'file' in value
}

function lastKey(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '')
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  return typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : typeof value
}
