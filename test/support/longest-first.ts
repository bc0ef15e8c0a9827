import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * The files that take longest start first, so that none of them is the last one running while the other workers
 * idle. vitest orders by the durations of the previous run, which a fresh clone (CI) does not have: these
 * patterns, slowest first, say which files those are (processes, shells and the waits of the fault matrix), and
 * vitest's own order holds within each.
 */
const LONGEST = [
  // The installed package, other Node builds, signals, the boot script's sandbox.
  /\/test\/e2e\/(faults|signals|package|node-versions|live-script|network-failures)\.test\.ts$/,
  /\/test\/faults\//,
  /\/test\/e2e\/(completion|demo|pool-down-many|pool-ssh|pool-status)\.test\.ts$/,
  /\/test\/(userdata\/sandbox|config\/yaml-limits|userdata\/shellcheck)\.test\.ts$/,
]

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files)
    const rank = (file: TestSpecification) => {
      const index = LONGEST.findIndex((pattern) => pattern.test(file.moduleId))
      return index === -1 ? LONGEST.length : index
    }
    return ordered.map((file, position) => ({file, position})).sort((a, b) => rank(a.file) - rank(b.file) || a.position - b.position).map(({file}) => file)
  }
}
