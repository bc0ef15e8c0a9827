/**
 * How the Velda broker's YAML reader (Go, gopkg.in/yaml.v3, decoding into interface{}) types an unquoted scalar.
 * velda-do reads YAML 1.2 (the `yaml` package); the two disagree on a few plain scalars, and then one file means
 * two things: `017` is 17 here and 15 (octal) to the broker, `1_000` and `0b101` are strings here and numbers to
 * the broker. The parser compares both readings of every plain scalar it uses and refuses a disagreement.
 *
 * Written from yaml.v3's documented resolution rules (resolve.go): `true`/`True`/`TRUE`, `false`/…, `~`/`null`/
 * `Null`/`NULL`/empty, `.inf`/`.nan` forms; otherwise, for a scalar starting with a digit or a sign, a timestamp
 * (kept as a string when decoding into interface{}), then Go's integer syntax with base prefixes (`0x`, `0o`,
 * `0b`, and a leading `0` for octal) after removing every `_`, then a YAML-style float.
 */

export type GoYamlValue =
  | {kind: 'null'}
  | {kind: 'bool'; value: boolean}
  | {kind: 'int'; value: bigint}
  | {kind: 'float'; value: number}
  | {kind: 'string'; value: string}

const BOOLS: Readonly<Record<string, boolean>> = {true: true, True: true, TRUE: true, false: false, False: false, FALSE: false}
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL'])
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  '.nan': Number.NaN, '.NaN': Number.NaN, '.NAN': Number.NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
}
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** The value yaml.v3 gives an untagged plain scalar, decoding into interface{}. */
export function goYamlPlainScalar(text: string): GoYamlValue {
  if (NULLS.has(text)) return {kind: 'null'}
  if (text in BOOLS) return {kind: 'bool', value: BOOLS[text] ?? false}
  if (text in SPECIAL_FLOATS) return {kind: 'float', value: SPECIAL_FLOATS[text] ?? Number.NaN}
  const first = text[0] ?? ''
  if (first === '.') {
    // Go's ParseFloat of the text as it is (no `_` removal): `.5`, `.5e3`.
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? {kind: 'float', value: Number(text)} : {kind: 'string', value: text}
  }
  if (!/[-+0-9]/.test(first)) return {kind: 'string', value: text}
  if (isTimestamp(text)) return {kind: 'string', value: text}
  const plain = text.replaceAll('_', '')
  const integer = goParseInteger(plain)
  if (integer !== undefined) return {kind: 'int', value: integer}
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain)
    // Go's ParseFloat fails on overflow: the scalar then stays a string.
    if (Number.isFinite(value)) return {kind: 'float', value}
  }
  return {kind: 'string', value: text}
}

/** strconv.ParseInt(s, 0, 64), else ParseUint(s, 0, 64): optional sign, 0x / 0o / 0b prefixes, leading 0 = octal. */
function goParseInteger(text: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text)
  if (!match) return undefined
  const sign = match[1] ?? ''
  const digits = match[2] ?? ''
  let magnitude: bigint
  if (/^0[xXoObB]/.test(digits)) magnitude = BigInt(`0${digits[1]?.toLowerCase()}${digits.slice(2)}`)
  else if (digits.length > 1 && digits.startsWith('0')) magnitude = BigInt(`0o${digits.slice(1)}`)
  else magnitude = BigInt(digits)
  const value = sign === '-' ? -magnitude : magnitude
  if (value >= INT64_MIN && value <= INT64_MAX) return value
  // ParseUint takes no sign.
  if (sign === '' && value <= UINT64_MAX) return value
  return undefined
}

/** yaml.v3 tries these layouts (Go time formats) on scalars that start with four digits and a dash. */
function isTimestamp(text: string): boolean {
  if (!/^\d{4}-/.test(text)) return false
  return /^\d{4}-\d{1,2}-\d{1,2}$/.test(text)
    || /^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    || /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$/.test(text)
}

/** How the broker's reading of a plain scalar differs from velda-do's, or undefined when both agree. */
export function goYamlDisagreement(text: string, ours: unknown): string | undefined {
  const theirs = goYamlPlainScalar(text)
  switch (theirs.kind) {
    case 'null':
      return ours === null ? undefined : 'null (no value)'
    case 'bool':
      return ours === theirs.value ? undefined : `the boolean ${theirs.value}`
    case 'string':
      return ours === theirs.value ? undefined : 'a string'
    case 'int':
      if (typeof ours === 'number' && Number.isInteger(ours) && BigInt(ours) === theirs.value) return undefined
      return `the number ${theirs.value}`
    case 'float':
      if (typeof ours === 'number' && (ours === theirs.value || (Number.isNaN(ours) && Number.isNaN(theirs.value)))) return undefined
      return `the number ${theirs.value}`
  }
}
