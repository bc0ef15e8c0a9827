#!/usr/bin/env node
// From Node 22.1, Node caches what it compiles of ES modules too (dist/do-client.js above all); our CommonJS bundles
// have their own cache (src/entry/code-cache.ts), the only one Node 20 allows. NODE_DISABLE_COMPILE_CACHE turns
// both off.
import module from 'node:module'

module.enableCompileCache?.()

// #oclif-core is @oclif/core bundled into one file (scripts/build.mjs), the same copy the commands use.
const {execute, settings} = await import('#oclif-core')

// dist/ is always what runs: under NODE_ENV=development or test oclif would otherwise look for TypeScript sources
// (which the package does not ship) and warn "Could not find typescript" on every command.
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
