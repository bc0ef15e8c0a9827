// The README's walk-through as steps a machine can run, so that what a newcomer pastes is what is tested
// (`npm run demo` and test/e2e/walkthrough.test.ts run them; scripts/demo.mjs is the runner).
//
// The walk-through is the README's quick start and its walk-through: the sections whose headings start with
// "## Quick start" and "## Walk-through", in the README's order. In them:
// - a ```sh block holds commands typed in the operator's terminal, one per line (a line ending in `\` goes on);
//   each runs in one shell that lives through the whole walk-through, as a terminal does (exports, functions and
//   the working directory carry over). A command exits 0 unless its comment says otherwise: `# exit 4: ...`.
// - a ```sh simulator block is what runs in the second terminal: the simulator, in the directory the first
//   terminal is in. A new one stops the one before (Ctrl-C), and its `export` lines are pasted into the first.
// Other blocks (```text: output) are read, not run.

/** @typedef {{kind: 'command', line: string, exitCode: number} | {kind: 'simulator', script: string}} Step */

const HEADING = /^## (Quick start|Walk-through)/
const EXPECTED_EXIT = /#.*\bexit (\d+)\b/

/**
 * The steps of the README's walk-through, in order.
 * @param {string} readme the README's text
 * @returns {Step[]}
 */
export function walkthroughSteps(readme) {
  const section = []
  let inside = false
  for (const line of readme.split('\n')) {
    if (/^## /.test(line)) inside = HEADING.test(line)
    else if (inside) section.push(line)
  }
  if (section.length === 0) throw new Error('the README has no "## Quick start" or "## Walk-through" section')
  /** @type {Step[]} */
  const steps = []
  for (let index = 0; index < section.length; index++) {
    const fence = /^```(\S*)\s*(\S*)/.exec(section[index])
    if (!fence) continue
    const close = section.findIndex((line, at) => at > index && line.startsWith('```'))
    if (close === -1) throw new Error(`a block of the walk-through (its ${index + 1}th line) is never closed`)
    const body = section.slice(index + 1, close)
    index = close
    if (fence[1] !== 'sh') continue
    if (fence[2] === 'simulator') steps.push({kind: 'simulator', script: body.join('\n')})
    else if (fence[2] === '') steps.push(...commandsOf(body))
    else throw new Error(`the walk-through's block \`\`\`sh ${fence[2]} is neither a terminal's (sh) nor the simulator's (sh simulator)`)
  }
  if (!steps.some((step) => step.kind === 'simulator')) throw new Error('the walk-through starts no simulator (a ```sh simulator block)')
  return steps
}

/** The commands of a terminal's block: comment-only and blank lines dropped, `\` continuations joined. */
function commandsOf(body) {
  const commands = []
  let pending = ''
  for (const line of body) {
    if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `
      continue
    }
    const command = pending + line
    pending = ''
    const expected = EXPECTED_EXIT.exec(command)
    commands.push({kind: 'command', line: command, exitCode: expected ? Number(expected[1]) : 0})
  }
  if (pending !== '') throw new Error(`the walk-through's command "${pending.trim()}" ends in a \\ with nothing after it`)
  return commands
}

/**
 * The `export NAME=value` lines the simulator printed when it started, as the operator pastes them.
 * @param {string} output
 * @returns {string[]}
 */
export function exportLines(output) {
  return output.split('\n').filter((line) => /^export [A-Z_][A-Z0-9_]*=\S*$/.test(line))
}
