import {readFileSync} from 'node:fs'

import {expect} from 'vitest'

/**
 * The body every boot script ends with: assets/bootstrap.sh as shipped, without its shebang (the rendered script
 * has its own first line). Read from the file, not through the renderer, so that an expectation built on it does
 * not come from the code under test.
 */
export const BOOT_SCRIPT_BODY = readFileSync(new URL('../../assets/bootstrap.sh', import.meta.url), 'utf8').replace(/^#!\/bin\/bash\n/, '')

/**
 * A boot script is its pool's prologue followed by the body, byte for byte: checks the ending and answers the
 * prologue, which is what golden files hold (one copy of the body, in assets/, not one in every golden file).
 */
export function prologueOf(script: string): string {
  expect(script.endsWith(BOOT_SCRIPT_BODY), 'the script ends with assets/bootstrap.sh, byte for byte').toBe(true)
  return script.slice(0, script.length - BOOT_SCRIPT_BODY.length)
}
