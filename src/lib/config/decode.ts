import {type Alias, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, type Scalar} from 'yaml'

import {Secret} from '../base/secret.js'
import type {Diagnostic, SourcePosition} from './diagnostics.js'
import {goYamlDisagreement} from './goyaml.js'
import {type Environment, findMalformedReference, interpolate, isBareVariableName} from './interpolate.js'
import {isProtoSpelling, suggestKey, toLowerCamelCase, toSnakeCase} from './keys.js'
import {goDurationInSeconds, numberAsInteger, parseProtoDuration, quotedInteger} from './protojson.js'
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
  /** Key paths of sections whose schema velda-do does not know (other backends and provisioners), in file order. */
  private readonly skipped = new Set<string>()

  constructor(private readonly ctx: DecodeContext) {
    for (const d of ctx.diagnostics) this.reported.add(reportKey(d))
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.ctx.diagnostics
  }

  /** The sections left unchecked so far (see ObjectSpec.unchecked). */
  get unchecked(): string[] {
    return [...this.skipped]
  }

  /** Records a section whose content velda-do cannot check. */
  skip(path: string): void {
    this.skipped.add(path)
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
          const itemPath = `${path}[${index}]`
          const resolved = this.resolve(item)
          if (resolved === null || resolved === undefined || (isScalar(resolved) && resolved.value === null)) {
            // protojson refuses null in a list: the broker would not start.
            this.error(itemPath, resolved ?? item ?? node, 'a list item is empty (null): the Velda broker refuses the file', 'remove the item, or give it a value')
            return
          }
          const value = this.decode(item, spec.items, itemPath, item)
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
      if (spec.unchecked?.includes(key)) {
        this.skip(fieldPath)
        continue
      }
      const fieldSpec = spec.fields[key]
      if (!fieldSpec) {
        const misplaced = spec.misplaced?.[key]
        const suggestion = misplaced ? undefined : suggestKey(entry.key, [...known, ...(spec.unchecked ?? [])])
        this.error(fieldPath, entry.keyNode, `unknown ${spec.noun ?? 'key'} "${entry.key}" (the Velda broker refuses unknown keys)`,
          misplaced ?? (suggestion ? `did you mean "${suggestion}"?` : `the keys allowed here are: ${known.join(', ')}`))
        continue
      }
      if (!isProtoSpelling(entry.key, key)) {
        this.error(fieldPath, entry.keyNode, `"${entry.key}" is neither ${key} nor ${toLowerCamelCase(key)}: the Velda broker accepts only those two spellings`,
          `write ${key}`)
        continue
      }
      const value = this.decode(entry.value, fieldSpec, fieldPath, entry.keyNode)
      if (value !== undefined) result[key] = value
    }
    for (const group of spec.oneofs ?? []) {
      // In file order, so the error points at the second one written.
      const given = [...present.keys()].filter((key) => group.includes(key) && !isNullNode(this.resolve(present.get(key)?.value)))
      if (given.length < 2) continue
      const second = present.get(given[1] ?? '')
      this.error(path ? `${path}.${given[1]}` : (given[1] ?? ''), second?.keyNode ?? node,
        `${given.map((k) => `"${k}"`).join(' and ')} are one choice (a protobuf oneof): the Velda broker refuses more than one`,
        `keep one of ${given.join(', ')}`)
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
      } else if (!this.disagreesWithBroker(pair.key, key, entryPath, false) && !this.disagreesWithBroker(valueNode, value, entryPath, false)
        && !this.refusesReference(key, entryPath, pair.key) && !this.refusesReference(value, entryPath, valueNode)) {
        entries.push({key, value, position: this.positionOf(pair.key)})
      }
    }
    return entries
  }

  private decodeScalar(node: unknown, spec: Exclude<Spec, {kind: 'object' | 'list' | 'stringMap'}>, path: string): unknown {
    if (!isScalar(node)) return this.mismatch(node, spec, path)
    const value = node.value
    if (this.disagreesWithBroker(node, value, path, spec.kind === 'string' && spec.secret === true)) return undefined
    switch (spec.kind) {
      case 'string':
        return this.decodeString(node, value, spec, path)
      case 'int': {
        const integer = this.decodeInteger(node, value, spec, path)
        return integer === undefined ? undefined : Number(integer)
      }
      case 'int64': {
        const integer = this.decodeInteger(node, value, spec, path)
        return integer === undefined ? undefined : String(integer)
      }
      case 'duration':
        return this.decodeDuration(node, value, path)
      case 'bool':
        if (typeof value === 'boolean') return value
        return this.mismatch(node, spec, path, `write ${lastKey(path)}: true or ${lastKey(path)}: false`)
      case 'enum': {
        if (typeof value === 'string' && spec.values.includes(value)) return value
        if (typeof value === 'number' && spec.values[value] !== undefined) return spec.values[value]
        return this.mismatch(node, spec, path)
      }
    }
  }

  /**
   * An unquoted scalar that the broker's YAML reader (Go yaml.v3) reads differently from velda-do's: `017` (octal
   * to the broker), `1_000`, `0b101`, `+0x10`. Reported, since the same text would mean two things.
   */
  private disagreesWithBroker(node: unknown, value: unknown, path: string, secret: boolean): boolean {
    if (!isScalar(node) || node.type !== 'PLAIN' || node.tag) return false
    const source = this.rawText(node)
    const theirs = goYamlDisagreement(source, value)
    if (theirs === undefined) return false
    const ours = typeof value === 'string' ? 'a string' : value === null ? 'null' : `the ${typeof value === 'number' ? 'number' : 'boolean'} ${String(value)}`
    const shown = secret ? 'this value' : source.length > 60 ? `${source.slice(0, 57)}...` : source
    this.error(path, node, `YAML readers disagree on ${shown}: velda-do reads ${ours}, the Velda broker (Go yaml.v3) reads ${theirs}`,
      typeof value === 'string' || secret
        ? `quote it${secret ? '' : `: ${lastKey(path)}: "${shown}"`}`
        : 'write the number in plain decimal (no leading zero, no _ and no base prefix)')
    return true
  }

  /** A non-secret value velda-do uses may not contain `${`: the broker reads it as those characters. */
  private refusesReference(value: string, path: string, node: unknown): boolean {
    if (!value.includes('${')) return false
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value
    this.error(path, node,
      `${JSON.stringify(shown)}: the Velda broker does not expand \${...} and would use these characters as they are (velda-do expands them only in api_token and pre_auth_key)`,
      'write the value itself in the file, so that velda-do and the broker read the same')
    return true
  }

  /** int32 and int64 as protojson reads them: a YAML number, or a string holding one JSON number. */
  private decodeInteger(node: Scalar, value: unknown, spec: Extract<Spec, {kind: 'int' | 'int64'}>, path: string): bigint | undefined {
    let integer: bigint | undefined
    if (typeof value === 'number') {
      // A plain decimal past 2^53 is exact in the file (and to the broker), not in a JavaScript number.
      const source = this.rawText(node)
      integer = node.type === 'PLAIN' && /^[-+]?\d+$/.test(source) ? BigInt(source) : numberAsInteger(value)
    } else if (typeof value === 'string') {
      integer = quotedInteger(value)
    }
    if (integer !== undefined && integer >= BigInt(spec.min) && integer <= BigInt(spec.max)) return integer
    const fix = typeof value === 'string' && value.includes('${')
      ? `the broker does not expand \${...}: write the number itself`
      : `write a whole number from ${spec.min} to ${spec.max}${typeof value === 'string' ? ' (quoted: one plain decimal number, nothing around it)' : ''}`
    return this.mismatch(node, spec, path, fix)
  }

  private decodeDuration(node: unknown, value: unknown, path: string): string | undefined {
    const key = lastKey(path)
    if (typeof value !== 'string') {
      const seconds = typeof value === 'number' && Number.isFinite(value) ? `"${value}s"` : '"300s"'
      return this.mismatch(node, {kind: 'duration'}, path, `write it as seconds in quotes: ${key}: ${seconds}`)
    }
    if (parseProtoDuration(value)) return value
    const converted = goDurationInSeconds(value)
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value
    this.error(path, node,
      `"${shown}" is not a duration the Velda broker and agent read: protobuf durations are seconds with an "s" (at most 315576000000s)`,
      converted ? `write ${key}: "${converted}"` : `write it in seconds, like ${key}: "90s" or "1.5s"`)
    return undefined
  }

  private decodeString(node: unknown, value: unknown, spec: StringSpec, path: string): unknown {
    if (typeof value !== 'string') {
      if (spec.secret) {
        // Never quote a secret back, even a malformed one.
        this.error(path, node, 'must be a string', `quote the value, or better: ${lastKey(path)}: "\${VARIABLE}"`)
        return undefined
      }
      const source = this.sourceOf(node)
      const what = typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : undefined
      const why = what ? ` (YAML reads it as ${what}; the Velda broker refuses the file)` : ''
      return this.mismatch(node, spec, path, `quote it: ${lastKey(path)}: "${source}"`, why)
    }
    if (spec.secret) return spec.literal ? undefined : this.decodeSecret(node, value, spec, path)
    if (!spec.literal && this.refusesReference(value, path, node)) return undefined
    const problem = spec.check?.(value)
    if (problem) {
      this.error(path, node, problem.message, problem.fix)
      return undefined
    }
    return value
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

  private mismatch(node: unknown, spec: Spec, path: string, fix?: string, why = ''): undefined {
    const source = this.sourceOf(node)
    const found = isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : source
    this.error(path, node, `must be ${describeSpec(spec)}, not ${found}${why}`, fix)
    return undefined
  }

  /** A scalar's text exactly as written (for plain scalars: what both YAML readers resolve). */
  private rawText(node: Scalar): string {
    const range = node.range
    return range ? this.ctx.text.slice(range[0], range[1]).trim() : String(node.value)
  }

  /** The node exactly as written in the file, shortened: error messages quote what the user typed. */
  sourceOf(node: unknown): string {
    const range = (node as {range?: [number, number, number]} | null)?.range
    if (!range) return String(node)
    const text = this.ctx.text.slice(range[0], range[1]).trim()
    return text.length > 60 ? `${text.slice(0, 57)}...` : text
  }
}

function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null)
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
