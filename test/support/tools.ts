import {spawnSync} from 'node:child_process'

/**
 * Whether a test tool is installed. On a developer's machine a missing tool skips the tests that need it,
 * with the reason printed; in CI (CI=true) it is a failure, because .ci/run installs every tool.
 */
export function haveTool(name: string, aptPackage: string, purpose: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'}).status === 0
  if (found) return true
  if (process.env.CI === 'true') throw new Error(`${name} is missing in CI (${purpose}); .ci/run must install ${aptPackage}`)
  console.warn(`SKIPPED: ${purpose}: ${name} is not installed (apt-get install -y ${aptPackage})`)
  return false
}
