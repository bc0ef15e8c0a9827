// Orders command IDs exactly as String.prototype.localeCompare does, without starting ICU's collator, which costs
// several milliseconds on the first call of every run. The ICU root collation orders these characters by primary
// weight as listed (punctuation, then digits, then letters), one weight each, with no contractions among them, so
// comparing rank by rank with the shorter prefix first gives the same order. IDs with any other character go to
// localeCompare itself.
const ORDER = '_-:0123456789abcdefghijklmnopqrstuvwxyz'
const RANK = new Map([...ORDER].map((c, i) => [c, i]))
const SIMPLE = /^[_\-:0-9a-z]*$/

export function compareIds(a, b) {
  if (!SIMPLE.test(a) || !SIMPLE.test(b)) return a.localeCompare(b)
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = RANK.get(a[i]) - RANK.get(b[i])
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}
