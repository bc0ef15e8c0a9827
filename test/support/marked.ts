/**
 * Test inputs mark the place an error must point at with `»`: the helper removes the mark and returns its
 * 1-based line and column, so each case shows its expected position right where it is.
 */
export const MARK = '»'

export function unmark(text: string): {text: string; line: number; col: number} {
  const index = text.indexOf(MARK)
  if (index < 0) throw new Error('test input has no » mark')
  const before = text.slice(0, index)
  const line = before.split('\n').length
  const col = index - before.lastIndexOf('\n')
  return {text: text.slice(0, index) + text.slice(index + MARK.length), line, col}
}

export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces)
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n')
}
