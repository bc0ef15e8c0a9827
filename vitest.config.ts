import {defineConfig} from 'vitest/config'

import LongestFirst from './test/support/longest-first.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Most test files wait (on the processes they start, the retry waits they check), not on a CPU: eight at a time
    // keep two cores busy (vitest's default there is one at a time). Measured on two cores, `CI=true npm test` of a
    // fresh clone (issue 20): 6 workers 224 s, 8 180 s, 10 209 s (more CPU: 380 s against 325 s).
    maxWorkers: 8,
    sequence: {sequencer: LongestFirst},
    // A worker runs its test files one after another in one module graph instead of a fresh one for each: the
    // bundles the in-process runs load (megabytes), the OpenAPI validators and vitest's own start are paid once a
    // worker, not once a file (a third of the suite's CPU). Test files keep no state in shared modules (the fault
    // matrix's report belongs to its file) and restore what they change of the process (env, cwd, streams).
    isolate: false,
    // Limits that hold on a busy machine, not only on an idle one: two cores that other work (other test runs, a
    // build) keeps busy give a test a tenth of a core, and a test that starts a dozen node processes one after
    // another then needs minutes, not seconds. A limit is not what a test checks (those that check a duration say so
    // in their own assertions); a test that hangs still fails, only later.
    testTimeout: 120_000,
    // Tests marked concurrent (test/e2e/faults.test.ts) run this many at a time; vitest starts a test's timer only
    // when it starts the test, so one waiting its turn does not use up its limit.
    maxConcurrency: 4,
    // The build's bundles (test/support/in-process-cli.ts runs them) are loaded by node as they are, not
    // transformed again by vitest: they are the very files the binary runs, and some are megabytes.
    server: {deps: {external: [/\/dist\//]}},
    hookTimeout: 240_000,
  },
})
