// `npm run bench`: start-up cost of velda-do beside bare node, as medians of repeated runs. Figures, not tests.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 15)
const warmups = 2

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function time(args) {
  const samples = []
  for (let i = 0; i < warmups + runs; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`)
    if (i >= warmups) samples.push(ms)
  }
  return median(samples)
}

const baseline = time(['-e', '0'])
const cases = [
  ['velda-do --version', ['bin/run.js', '--version']],
  ['velda-do render-userdata amd-mi300x', ['bin/run.js', 'render-userdata', 'amd-mi300x', '-c', 'examples/velda.yaml']],
  ['velda-do config validate', ['bin/run.js', 'config', 'validate', '-c', 'examples/velda.yaml']],
]

console.log(`cold start, median of ${runs} runs (node ${process.version}, target: at most 3.0x bare node)\n`)
console.log(`${'command'.padEnd(40)} ${'median ms'.padStart(10)} ${'x node'.padStart(8)}`)
console.log(`${'node -e 0'.padEnd(40)} ${baseline.toFixed(1).padStart(10)} ${'1.00'.padStart(8)}`)
for (const [name, args] of cases) {
  const ms = time(args)
  const ratio = ms / baseline
  console.log(`${name.padEnd(40)} ${ms.toFixed(1).padStart(10)} ${ratio.toFixed(2).padStart(8)}${ratio > 3 ? '  over target' : ''}`)
}
