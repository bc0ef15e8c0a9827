import {spawnSync} from 'node:child_process'

import {precondition} from './preconditions.js'

/** Whether a test tool is installed; when it is not, the tests that need it are skipped or fail (./preconditions.ts). */
export function haveTool(name: string, aptPackage: string, purpose: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'}).status === 0
  return precondition(purpose, found ? null : `${name} is not installed (apt-get install -y ${aptPackage})`)
}
