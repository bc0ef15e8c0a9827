/**
 * The one way a test is left out for want of something on the machine (a tool, root, Linux, a download): every
 * skip of the suite goes through here, so that none passes green in silence.
 *
 * On a developer's machine the tests that need it are skipped (`describe.runIf` / `it.runIf` on the answer, or
 * `ctx.skip()` inside a test) with the reason printed. In CI (`CI=true`), where .ci/run provides everything, it is a
 * failure: a skip there would hide the test.
 *
 * `missing` is null when the need is met, else what is missing and how to get it. Returns whether the tests may run.
 */
export function precondition(purpose: string, missing: string | null): boolean {
  if (missing === null) return true
  if (process.env.CI === 'true') throw new Error(`${purpose}: ${missing}, and CI=true: in CI every test runs (.ci/run must provide it)`)
  console.warn(`SKIPPED: ${purpose}: ${missing}`)
  return false
}
