// The one copy of @oclif/core the CLI runs with, bundled by scripts/build.mjs into dist/oclif-core.cjs. Loading one
// file instead of @oclif/core's ~150 CommonJS modules (and its dependencies') is most of what a cold start costs.
// dist/oclif-core.js (src/entry/oclif-core.ts) loads it with V8's code cache; bin/run.js and every command bundle
// import that through package.json "imports" (#oclif-core), so oclif's classes (Command, ExitError, ...) exist once
// and its `instanceof` checks hold.
// Named one by one: `export *` of a CommonJS module gives an ES module no static names to import.
export {
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
} from '@oclif/core'
