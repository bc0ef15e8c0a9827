import type {Document, LineCounter, YAMLError, YAMLWarning} from 'yaml'

import type {Diagnostic} from './diagnostics.js'
import {inflect} from '../text/plural.js'

/**
 * The YAML parser's own errors and warnings, each at its file:line:col. A tab in an indent is one error that says
 * what to do, alone: the parser reports it, then a follow-on error for every line whose column it shifted ("All
 * mapping items must start at the same column"), which only point away from the tab.
 */
export function yamlDiagnostics(doc: Document, text: string, lineCounter: LineCounter, file: string): Diagnostic[] {
  const lines = text.split(/\r?\n/)
  const lineOf = (problem: YAMLError | YAMLWarning) => lineCounter.linePos(problem.pos[0]).line
  const tabbed = doc.errors.filter((problem) => problem.code === 'TAB_AS_INDENT' || /\t/.test(leadingSpace(lines[lineOf(problem) - 1] ?? '')))
  const first = tabbed[0]
  if (first) return [tabIndent(first, tabbed, lines, lineCounter, file)]
  return [...doc.errors, ...doc.warnings].map((problem) => {
    const at = lineCounter.linePos(problem.pos[0])
    return {
      severity: doc.errors.includes(problem as YAMLError) ? 'error' : 'warning',
      path: '',
      message: `YAML: ${problem.message.split('\n')[0]}`,
      position: {file, line: at.line, col: at.col},
    }
  })
}

function tabIndent(first: YAMLError, tabbed: readonly YAMLError[], lines: readonly string[], lineCounter: LineCounter, file: string): Diagnostic {
  const at = lineCounter.linePos(first.pos[0])
  // The column of the tab itself, which the parser may put at the start of the line.
  const col = leadingSpace(lines[at.line - 1] ?? '').indexOf('\t') + 1 || at.col
  const others = [...new Set(tabbed.map((problem) => lineCounter.linePos(problem.pos[0]).line))].filter((line) => line !== at.line)
  const more = others.length === 0 ? '' : ` (so ${inflect(others.length, 'is line', 'are lines')} ${others.join(', ')})`
  return {
    severity: 'error',
    path: '',
    message: `YAML: this line is indented with a tab${more}: indent with spaces, not tabs`,
    fix: 'replace each tab at the start of a line with spaces (YAML allows no tab in an indent); two spaces a level, as in the rest of the file',
    position: {file, line: at.line, col},
  }
}

function leadingSpace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? ''
}
