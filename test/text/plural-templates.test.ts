import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {describe, expect, it} from 'vitest'

import {PROJECT_ROOT} from '../support/cli.js'

/**
 * Every message that puts a count beside a noun or a verb builds it with plural() or inflect()
 * (src/lib/text/plural.ts), so that no message says "1 droplets" or "1 were": this scans the sources for those
 * that build their own, and catches a new one as it is written.
 */

const SOURCES = join(PROJECT_ROOT, 'src')
const HELPER = join(SOURCES, 'lib', 'text', 'plural.ts')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.[cm]?[jt]s$/.test(entry.name) && path !== HELPER ? [path] : []
  })
}

/** Plural nouns that velda-do counts, and the verbs that agree with a count. */
const COUNTED = 'droplets|members|checks|keys|pools|problems|values|attempts|projects|items|rounds|agents|lines|bytes|characters|sizes|regions|requests|minutes|seconds|hours|days|ids|errors|columns|rows|pages|tags|labels|hosts|files|times|failures|images'
const AGREEING = 'were|are|have|exist'
/** `${count} droplets`, `${n} more droplets`, `${n} were`; what is inside ${} is kept to tell a constant apart. */
const COUNT_THEN_WORD = new RegExp(`\\$\\{([^{}]*)\\} (?:more |new |other |created )?(?:${COUNTED}|${AGREEING})\\b`, 'g')
/** `n === 1 ? '' : 's'`, `n === 1 ? 'is' : 'are'`: the choice inflect() makes. */
const HAND_MADE_CHOICE = /[=!]== 1 \? *['"`]/g

/** An upper-case constant (`${MAX_TAG_LENGTH} characters`, `${LOCK_WAIT_MS / 60_000} minutes`) is never 1. */
const isConstant = (expression: string) => !/[a-z]/.test(expression.replaceAll(".toLocaleString('en-US')", ''))

function handMadeCounts(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(COUNT_THEN_WORD)) if (!isConstant(match[1] ?? '')) found.push(match[0])
  for (const match of text.matchAll(HAND_MADE_CHOICE)) found.push(match[0])
  return found
}

describe('counts in messages', () => {
  it('go through plural() or inflect() in every source file', () => {
    const files = sourceFiles(SOURCES)
    expect(files.length).toBeGreaterThan(100)
    const found = files.flatMap((file) => {
      const lines = readFileSync(file, 'utf8').split('\n')
      return lines.flatMap((line, i) => handMadeCounts(line).map((what) => `${relative(PROJECT_ROOT, file)}:${i + 1}: ${what}`))
    })
    expect(found).toEqual([])
  })

  it.each([
    ['`pool ${pool.name} has ${members.length} droplets: say which`', ['${members.length} droplets']],
    ['`${result.failed.length} were not: ${first}`', ['${result.failed.length} were']],
    ['`${n} more droplets`', ['${n} more droplets']],
    ["`${misses} check${misses === 1 ? '' : 's'} failed`", ["=== 1 ? '"]],
    ["n === 1 ? 'Delete this droplet?' : `Delete these ${n} droplets?`", ['${n} droplets', "=== 1 ? '"]],
  ])('finds the hand-made count in %s', (line, found) => {
    expect(handMadeCounts(line)).toEqual(found)
  })

  it.each([
    "`${plural(n, 'droplet')} ${inflect(n, 'was', 'were')} not`",
    '`keep tags to ${MAX_TAG_LENGTH} characters`',
    "`over the limit of ${USER_DATA_LIMIT_BYTES.toLocaleString('en-US')} bytes`",
    '`for ${LOCK_WAIT_MS / 60_000} minutes`',
    '`${pool.name} is ready`',
  ])('leaves alone %s', (line) => {
    expect(handMadeCounts(line)).toEqual([])
  })
})
