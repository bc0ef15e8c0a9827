// The one copy of @oclif/core the CLI runs with, bundled by scripts/build.mjs into dist/oclif-core.cjs. Loading one
// file instead of @oclif/core's ~150 CommonJS modules (and its dependencies') is most of what a cold start costs.
// dist/oclif-core.js (src/entry/oclif-core.ts) loads it with V8's code cache; bin/run.js and every command bundle
// import that through package.json "imports" (#oclif-core), so oclif's classes (Command, ExitError, ...) exist once
// and its `instanceof` checks hold.
// All of it: this bundle is CommonJS, read as an object by src/entry/oclif-core.ts, which alone names what the CLI
// uses (an ES module's names must be static, so the one list is there).
export * from '@oclif/core'
