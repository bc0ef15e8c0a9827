import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {loadConfig, locateConfig} from '../config/load.js'
import type {Environment} from '../config/interpolate.js'

/**
 * The pool names of the config a command on this line would read (same precedence as every command). Called on
 * every TAB: a missing or invalid config gives no names and no message, since anything printed would land in
 * the middle of the user's prompt.
 */
export function configuredPoolNames(configFlag: string | undefined, env: Environment): string[] {
  try {
    const location = locateConfig(configFlag === undefined ? undefined : expandHome(configFlag, env), env, existsSync)
    return loadConfig(location, env).pools.map((pool) => pool.name)
  } catch {
    return []
  }
}

/** The word on the line is still unexpanded while completing: `-c ~/velda.yaml` has a literal tilde. */
function expandHome(path: string, env: Environment): string {
  if (path === '~') return env.HOME ?? homedir()
  return path.startsWith('~/') ? join(env.HOME ?? homedir(), path.slice(2)) : path
}
