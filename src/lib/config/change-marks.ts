import {type Document, isMap, isPair, isScalar, isSeq} from 'yaml'

import type {SourcePosition} from './diagnostics.js'
import {toSnakeCase} from './keys.js'

/**
 * A value whose comment on its line starts with `CHANGE`: how `config init`'s starter marks the placeholders a
 * user must replace (the broker address, the agent version). doctor reports every mark left. Comments are not
 * part of the config the broker reads: the mark is for people and velda-do only.
 */
export interface ChangeMark {
  /** Key path, snake_case keys: `provisioners[0].digitalocean_auto.agent_version_override`. */
  path: string
  /** The value as written (a scalar's text). */
  value: string
  position: SourcePosition
}

const MARK = /^\s*CHANGE\b/

/** The marked scalars of the document, in file order; aliases are not followed (a mark belongs to its line). */
export function findChangeMarks(doc: Document, positionAt: (offset: number) => SourcePosition): ChangeMark[] {
  const marks: ChangeMark[] = []
  const visit = (node: unknown, path: string): void => {
    if (isScalar(node)) {
      if (node.comment && MARK.test(node.comment) && node.range) marks.push({path, value: String(node.value), position: positionAt(node.range[0])})
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        const key = isScalar(pair.key) ? toSnakeCase(String(pair.key.value)) : '?'
        visit(pair.value, path ? `${path}.${key}` : key)
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, `${path}[${index}]`))
    }
  }
  visit(doc.contents, '')
  return marks
}

/**
 * The marks that concern a pool: its own definition's, its provisioner's shared settings, and those outside every
 * pool (default_broker_info); not another pool's.
 */
export function marksOfPool(marks: readonly ChangeMark[], pool: {path: string; provisioned: boolean}): ChangeMark[] {
  const own = normalPath(pool.path)
  const provisioner = own.replace(/\.pool_details\[\d+\]$/, '')
  return marks.filter((mark) => {
    if (!/^(agent_pools|provisioners)\[/.test(mark.path)) return true
    if (within(mark.path, own)) return true
    return pool.provisioned && within(mark.path, provisioner) && !mark.path.startsWith(`${provisioner}.pool_details[`)
  })
}

function within(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)
}

/** A pool's key path as the config spelled it (`poolDetails`), in the marks' snake_case. */
function normalPath(path: string): string {
  return path.split('.').map((segment) => segment.replace(/^[^[]+/, (key) => toSnakeCase(key))).join('.')
}
