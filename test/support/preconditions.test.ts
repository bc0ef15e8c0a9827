import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeAll, describe, expect, it, vi} from 'vitest'

import {PROJECT_ROOT} from './cli.js'
import {precondition} from './preconditions.js'
import {haveTool} from './tools.js'

/**
 * The suite's one way of skipping: off CI a test whose need is missing is reported skipped (never passed) with the
 * reason printed; with CI=true it fails. Checked on vitest's own report of two test files that need a tool no
 * machine has (test/fixtures/preconditions/), once as a developer runs them and once as CI does.
 */

interface Report {
  success: boolean
  testResults: {name: string; status: string; message: string; assertionResults: {title: string; status: string; failureMessages: string[]}[]}[]
}

/** The fixture suite run by vitest in a process of its own, with CI set or not; its JSON report and its stderr. */
async function runFixtureSuite(ci: boolean): Promise<{report: Report; stderr: string}> {
  const output = join(mkdtempSync(join(tmpdir(), 'velda-preconditions-')), 'report.json')
  const env: Record<string, string> = {}
  // This run's own vitest variables would make the child think it is one of its workers.
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(VITEST|CI$)/.test(key)) env[key] = value
  if (ci) env.CI = 'true'
  const args = [
    join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/fixtures/preconditions/vitest.config.ts',
    '--reporter=default', '--reporter=json', `--outputFile.json=${output}`,
  ]
  const stderr = await new Promise<string>((resolve) => {
    execFile(process.execPath, args, {cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 60_000}, (_error, _stdout, err) => resolve(err))
  })
  return {report: JSON.parse(readFileSync(output, 'utf8')) as Report, stderr}
}

/** Each test of the report as `file > title: status`; a file that failed as a whole as `file: failed`. */
function outcomes(report: Report): string[] {
  return report.testResults.flatMap((file) => {
    const name = file.name.slice(file.name.lastIndexOf('/') + 1)
    if (file.assertionResults.length === 0) return [`${name}: ${file.status}`]
    return file.assertionResults.map((test) => `${name} > ${test.title}: ${test.status}`)
  }).sort()
}

describe('a test whose need is missing, as vitest reports it', () => {
  let developer: {report: Report; stderr: string}
  let ci: {report: Report; stderr: string}
  beforeAll(async () => {
    ;[developer, ci] = await Promise.all([runFixtureSuite(false), runFixtureSuite(true)])
  }, 90_000)

  it('on a developer\'s machine: skipped, not passed, with the reason printed; the file\'s other tests still run', () => {
    const {report, stderr} = developer
    expect(outcomes(report)).toEqual([
      'collected.check.ts > needs nothing: passed',
      'collected.check.ts > needs the tool: skipped',
      'running.check.ts > needs nothing: passed',
      'running.check.ts > needs the tool, found out while running: skipped',
    ])
    expect(stderr).toContain('SKIPPED: a test that needs a missing tool: velda-do-no-such-tool is not installed (apt-get install -y velda-do-no-such-package)')
    expect(stderr).toContain('SKIPPED: a test that finds its tool missing: velda-do-no-such-tool is not installed (apt-get install -y velda-do-no-such-package)')
  })

  it('in CI (CI=true): a failure saying what is missing, whether found while collecting or while running', () => {
    const {report} = ci
    expect(report.success).toBe(false)
    expect(outcomes(report)).toEqual([
      'collected.check.ts: failed',
      'running.check.ts > needs nothing: passed',
      'running.check.ts > needs the tool, found out while running: failed',
    ])
    const messages = report.testResults.flatMap((file) => [file.message, ...file.assertionResults.flatMap((test) => test.failureMessages)]).join('\n')
    expect(messages).toContain('a test that needs a missing tool: velda-do-no-such-tool is not installed (apt-get install -y velda-do-no-such-package), and CI=true')
    expect(messages).toContain('a test that finds its tool missing: velda-do-no-such-tool is not installed')
  })
})

describe('precondition', () => {
  const ci = process.env.CI
  afterEach(() => {
    if (ci === undefined) delete process.env.CI
    else process.env.CI = ci
    vi.restoreAllMocks()
  })

  it('lets the tests run, silently, when nothing is missing, in CI or not', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    for (const value of ['true', undefined]) {
      if (value === undefined) delete process.env.CI
      else process.env.CI = value
      expect(precondition('anything', null)).toBe(true)
      expect(haveTool('sh', 'dash', 'a shell')).toBe(true)
    }
    expect(warn).not.toHaveBeenCalled()
  })
})
