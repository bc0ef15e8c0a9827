import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {PROJECT_ROOT} from './cli.js'

/** One of DigitalOcean's example answers in test/fixtures/do-examples/ (its README says where they come from). */
export interface DoExample {
  source: {repository: string; commit: string; path: string; example: string; note?: string}
  /** The operationId it answers, or `(shared)` for the error answers every operation shares. */
  operation: string
  status: number
  body: Record<string, unknown>
}

export const EXAMPLES_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'do-examples')

export function doExample(name: string): DoExample {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, `${name}.json`), 'utf8')) as DoExample
}

export function doExampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''))
}
