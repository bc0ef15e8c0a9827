// `npm test`: build, then the linters (eslint, tsc) and the test suite side by side. Much of the suite waits (on
// the processes it starts, on the retry waits it checks), and the linters fill that time: on two cores this
// saves most of their 20 s. Their output is printed after the suite's, so neither tears the other; the run fails
// if any of them fails. Ends with the total wall time.
import {spawn} from 'node:child_process'

const started = performance.now()
const run = (command, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, {stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', shell: false})
    let output = ''
    if (options.capture) {
      child.stdout.on('data', (chunk) => (output += chunk))
      child.stderr.on('data', (chunk) => (output += chunk))
    }
    child.once('close', (status) => resolve({status, output}))
  })

const npx = (tool) => ['node_modules/.bin/' + tool]
const build = await run(process.execPath, ['scripts/build.mjs'])
if (build.status !== 0) process.exit(build.status ?? 1)

const lint = (async () => {
  const eslint = await run(npx('eslint')[0], ['.'], {capture: true})
  const tsc = await run(npx('tsc')[0], ['-p', 'tsconfig.json'], {capture: true})
  return {status: eslint.status || tsc.status, output: `${eslint.output}${tsc.output}`}
})()
const suite = await run(npx('vitest')[0], ['run'])
const linted = await lint

console.log(linted.status === 0 ? 'lint: eslint and tsc found nothing' : `lint failed:\n${linted.output}`)
console.log(`npm test: ${((performance.now() - started) / 1000).toFixed(0)} s in all (build, lint and tests)`)
process.exit(suite.status || linted.status || 0)
