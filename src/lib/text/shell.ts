/** Single-quotes a value for bash: nothing inside is expanded, whatever it holds (`$`, backticks, quotes). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** A word as a person would type it: bare when the shell reads it as it is (`gpu-a100`), else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_.,:=@%+/-]+$/.test(value) ? value : shellQuote(value)
}

/** A heredoc delimiter that no line of `content` equals, so the content cannot end the heredoc early. */
export function heredocDelimiter(content: string, base: string): string {
  const lines = new Set(content.split('\n'))
  let delimiter = base
  for (let i = 1; lines.has(delimiter); i++) delimiter = `${base}_${i}`
  return delimiter
}
