// Node decodes a module's source from UTF-8 at every start, on a fast path when every byte is ASCII and at about
// half the speed otherwise; one character is enough to lose it. esbuild escapes non-ASCII text in strings but not
// in regular expressions, so dependencies that write such characters in a regex are rewritten as they load, and
// checkAscii fails the build when one slips through.
import {readFile} from 'node:fs/promises'

const escape = (text) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

// ansis writes U+009B (the one-byte CSI) raw inside a character class, the only place it has one.
export const asciiRegexes = {
  name: 'ascii-regexes',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/]ansis[\\/]index\.js$/}, async ({path}) => ({contents: escape(await readFile(path, 'utf8')), loader: 'js'}))
  },
}

export async function checkAscii(files) {
  for (const file of files) {
    const text = await readFile(file, 'latin1')
    const at = text.search(/[\u0080-\uffff]/)
    if (at >= 0) throw new Error(`${file} has a non-ASCII character at offset ${at}: write it as a \\u escape (see scripts/build/ascii-only.mjs)`)
  }
}
