#!/usr/bin/env node
import {execute} from '@oclif/core/execute'
import {settings} from '@oclif/core/settings'

// dist/ is always what runs: under NODE_ENV=development or test oclif would otherwise look for TypeScript sources
// (which the package does not ship) and warn "Could not find typescript" on every command.
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
