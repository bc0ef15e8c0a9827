import {relative} from 'node:path'

import type {Reporter, TestModule} from 'vitest/node'

/**
 * Ends the run with one plain `N passed, N failed, N skipped` line that any CI log reader understands, the wall
 * time, and the five slowest files: where to look first when the suite gets slow.
 */
export default class SummaryReporter implements Reporter {
  private startedAt = performance.now()

  onTestRunStart(): void {
    this.startedAt = performance.now()
  }

  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = {passed: 0, failed: 0, skipped: 0}
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') counts.failed++
        else counts.skipped++
      }
    }
    const slowest = [...testModules]
      .map((module) => ({file: relative(process.cwd(), module.moduleId), seconds: module.diagnostic().duration / 1000}))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 5)
    console.log(`\nslowest files (time in tests and hooks):\n${slowest.map((s) => `  ${s.seconds.toFixed(1).padStart(6)} s  ${s.file}`).join('\n')}`)
    console.log(`wall time: ${((performance.now() - this.startedAt) / 1000).toFixed(0)} s`)
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}
