#!/usr/bin/env node
// #oclif-core is @oclif/core bundled into one file (scripts/build.mjs), the same copy the commands use.
import {execute, settings} from '#oclif-core'

// dist/ is always what runs: under NODE_ENV=development or test oclif would otherwise look for TypeScript sources
// (which the package does not ship) and warn "Could not find typescript" on every command.
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
