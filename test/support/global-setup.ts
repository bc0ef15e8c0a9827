import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {TestProject} from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the test files that run the installed package share one `npm pack` and install (test/e2e/installed-cli.ts). */
    installDir: string
  }
}

/** The CLI tests run the built binary: say how to build it rather than fail in confusing ways. */
export default function setup(project: TestProject): () => void {
  if (!existsSync(new URL('../../oclif.manifest.json', import.meta.url)) || !existsSync(new URL('../../dist/commands', import.meta.url))) {
    throw new Error('the CLI is not built: run `npm run build` (npm test does it for you)')
  }
  // Every temporary file of the run, the tests' and the processes they start, goes under one directory, removed at
  // the end: test files make thousands of them, which would otherwise pile up in /tmp run after run.
  const runDir = mkdtempSync(join(tmpdir(), 'velda-test-run-'))
  process.env.TMPDIR = runDir
  const installDir = mkdtempSync(join(runDir, 'install-'))
  project.provide('installDir', installDir)
  // A process a test stopped may still be writing its code cache on the way out: rmdir then meets a file that was
  // not there when the directory was read (ENOTEMPTY), and Node's own retries take care of it.
  return () => rmSync(runDir, {recursive: true, force: true, maxRetries: 5})
}
