// What bin/run.js and every command import as #oclif-core: @oclif/core, run from dist/oclif-core.cjs with V8's code
// cache (src/entry/code-cache.ts). oclif imports command files with import(): the bundle's import() calls come here,
// so they resolve as they would from this ES module.
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

import type * as OclifCore from '@oclif/core'

import {runWithCodeCache} from './code-cache.js'

const importModule = (specifier: string): Promise<unknown> => import(specifier)

const core = runWithCodeCache(fileURLToPath(new URL('oclif-core.cjs', import.meta.url)), {
  require: createRequire(import.meta.url),
  __veldaImport: importModule,
}) as typeof OclifCore

/**
 * Runs a command's CommonJS bundle (dist/command-bodies/, built by scripts/build.mjs) for the small ES module in
 * dist/commands/ that oclif imports, whose import.meta.url the bundle takes for its own; returns its exports.
 */
export function runCommandBundle(bundleUrl: URL, moduleUrl: string): unknown {
  return runWithCodeCache(fileURLToPath(bundleUrl), {
    require: createRequire(moduleUrl),
    __veldaImport: importModule,
    __veldaOclifCore: core,
    __veldaImportMetaUrl: moduleUrl,
  })
}

// Named one by one: an ES module's names are static. The one list of what the CLI takes from @oclif/core (the
// bundle, src/entry/oclif-core-body.ts, holds all of it).
export const {
  Args,
  Command,
  CommandHelp,
  Config,
  Constraints,
  Errors,
  execute,
  Flags,
  flush,
  getLogger,
  handle,
  Help,
  HelpBase,
  Interfaces,
  loadHelpClass,
  ModuleLoader,
  Parser,
  Performance,
  Plugin,
  run,
  settings,
  toConfiguredId,
  toStandardizedId,
  ux,
} = core
