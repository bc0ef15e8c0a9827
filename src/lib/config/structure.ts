import {type Alias, type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, type Node, type YAMLMap} from 'yaml'

import type {Diagnostic, SourcePosition} from './diagnostics.js'
import {goYamlPlainScalar} from './goyaml.js'

/**
 * How many nodes aliases (`*name`, `<<: *name`) may copy in all. Each alias stands for a whole copy of the node
 * it names, so a few hundred bytes of nested anchors can stand for billions of nodes (a "YAML bomb"); a real
 * config reuses a few small blocks a few hundred times at most.
 */
export const MAX_ALIAS_EXPANSION = 100_000

/** What one pass over the YAML document finds, in time linear in the size of the file. */
export interface DocumentStructure {
  /** Where each alias points. yaml's own `Alias.resolve` walks the whole document on every call. */
  aliasTargets: ReadonlyMap<Alias, Node>
  /** Duplicate keys, aliases without an anchor, aliases inside their own anchor, too much expansion. */
  diagnostics: Diagnostic[]
}

/**
 * Checks what yaml's parser is not asked to: duplicate keys (its own check compares each key with every earlier
 * one, quadratic in the size of a mapping) and the aliases, which must all name an earlier anchor, must not
 * repeat forever and must not expand beyond MAX_ALIAS_EXPANSION.
 */
export function examineStructure(doc: Document, positionAt: (offset: number) => SourcePosition): DocumentStructure {
  const walk = new StructureWalk(positionAt)
  try {
    walk.visit(doc.contents)
  } catch (error) {
    if (!(error instanceof ExpansionLimitReached)) throw error
  }
  return {aliasTargets: walk.aliasTargets, diagnostics: walk.diagnostics}
}

/** Stops the walk at the alias that goes over the limit: the rest of the file does not matter any more. */
class ExpansionLimitReached extends Error {}

class StructureWalk {
  readonly aliasTargets = new Map<Alias, Node>()
  readonly diagnostics: Diagnostic[] = []
  /** The latest node with each anchor so far: an alias names the last one before it, as in yaml. */
  private readonly anchors = new Map<string, Node>()
  /** Size of each finished node with its aliases expanded, so each node is measured once. */
  private readonly expandedSizes = new Map<Node, number>()
  /** Collections being walked: an alias to one of them would be inside its own target. */
  private readonly unfinished = new Set<Node>()
  private copiedNodes = 0

  constructor(private readonly positionAt: (offset: number) => SourcePosition) {}

  /** Returns the number of nodes `node` stands for once its aliases are expanded; `path` is its key path. */
  visit(node: unknown, path = ''): number {
    if (isAlias(node)) return this.expand(node, path)
    if (isPair(node)) {
      const key = isScalar(node.key) ? (typeof node.key.value === 'symbol' ? '<<' : String(node.key.value)) : '?'
      return this.visit(node.key, path) + this.visit(node.value, path ? `${path}.${key}` : key)
    }
    if (!isNode(node)) return 0
    if (node.anchor) this.anchors.set(node.anchor, node)
    let size = 1
    if (isMap(node) || isSeq(node)) {
      this.unfinished.add(node)
      if (isMap(node)) {
        this.checkUniqueKeys(node, path)
        this.checkKeysAreText(node, path)
      }
      node.items.forEach((item, index) => {
        size += this.visit(item, isSeq(node) ? `${path}[${index}]` : path)
      })
      this.unfinished.delete(node)
    }
    this.expandedSizes.set(node, size)
    return size
  }

  private expand(alias: Alias, path: string): number {
    const target = this.anchors.get(alias.source)
    if (!target) {
      this.error(alias, path, `alias *${alias.source} names no anchor before it`, `define &${alias.source} on a value above this line, or fix the name`)
      return 0
    }
    if (this.unfinished.has(target)) {
      this.error(alias, path, `alias *${alias.source} is inside the value it names (&${alias.source}): it would repeat forever`,
        'refer to the anchor only after its value has ended')
      return 0
    }
    this.aliasTargets.set(alias, target)
    const size = this.expandedSizes.get(target) ?? 1
    this.copiedNodes += size
    if (this.copiedNodes > MAX_ALIAS_EXPANSION) {
      this.error(alias, path, `the file expands aliases too many times (>${MAX_ALIAS_EXPANSION}): a YAML bomb?`,
        'each *alias copies the whole value it names: write the values out, or nest anchors less')
      throw new ExpansionLimitReached()
    }
    return size
  }

  private checkUniqueKeys(map: YAMLMap, path: string): void {
    // Keys are equal as yaml compares them: same scalar value (so `1` and `"1"` differ). Each merge key `<<`
    // has its own symbol as value, so several merge keys are allowed, as in yaml.
    const seen = new Map<unknown, Node>()
    for (const pair of map.items) {
      const key = pair.key
      if (!isScalar(key) || typeof key.value === 'symbol') continue
      const earlier = seen.get(key.value)
      if (!earlier) {
        seen.set(key.value, key)
        continue
      }
      const line = earlier.range ? ` (line ${this.positionAt(earlier.range[0]).line})` : ''
      this.error(key, keyPath(path, String(key.value)), 'YAML: Map keys must be unique', `${shortQuote(String(key.value))} is already a key of this mapping${line}: keep one of them`)
    }
  }

  /**
   * The broker reads the file into Go maps with string keys and turns them into JSON: a key that its YAML reader
   * (yaml.v3) types as a number, a boolean or null, or a list or mapping as a key, stops it from starting.
   */
  private checkKeysAreText(map: YAMLMap, path: string): void {
    for (const pair of map.items) {
      const key = pair.key
      if (isAlias(key)) continue
      if (isScalar(key)) {
        if (typeof key.value === 'symbol') continue
        const source = typeof key.source === 'string' ? key.source : String(key.value)
        const text = key.type === 'PLAIN' && !key.tag ? goYamlPlainScalar(source).kind === 'string' : typeof key.value === 'string'
        if (text) continue
        const shown = shortQuote(source)
        this.error(key, keyPath(path, source), `the key ${shown} is not text to YAML: the Velda broker reads only text keys and would not start`,
          `quote it: ${shown}: ...`)
      } else if (isNode(key)) {
        this.error(key, path || '(top level)', 'a list or mapping used as a key: the Velda broker reads only text keys and would not start', 'write a plain name as the key')
      }
    }
  }

  private error(node: Node, path: string, message: string, fix: string): void {
    const position = node.range ? this.positionAt(node.range[0]) : null
    this.diagnostics.push({severity: 'error', path, message, fix, position})
  }
}

function keyPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

function shortQuote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)
}
