// The one copy of @oclif/core the CLI runs with, bundled by scripts/build.mjs into dist/oclif-core.js. Loading one
// file instead of @oclif/core's ~150 CommonJS modules (and its dependencies') is most of what a cold start costs.
// bin/run.js and every command bundle import it through package.json "imports" (#oclif-core), so oclif's classes
// (Command, ExitError, ...) exist once and its `instanceof` checks hold.
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
