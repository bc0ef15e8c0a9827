// Lists the files of src/ that no test imports, directly or through other modules (tests that run the built
// bundles or a child process do not count: an edit there is seen by no test until a build), with their lines.
// `node scripts/untested-source.mjs [--list]`. Issue 20 measured it: 4,300 lines before, see docs/development.md.
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {build} from 'esbuild'

const root = new URL('..', import.meta.url).pathname
const walk = (dir) => readdirSync(dir, {withFileTypes: true}).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]))
const tests = walk(join(root, 'test')).filter((file) => /\.(test\.ts|ts)$/.test(file) && !file.includes('/fixtures/'))
const result = await build({
  entryPoints: tests,
  bundle: true,
  write: false,
  metafile: true,
  platform: 'node',
  format: 'esm',
  outdir: '/nonexistent',
  packages: 'external',
  logLevel: 'silent',
  plugins: [
    {
      // Imports of the build (#do-client, dist/) are the bundles, not sources.
      name: 'builds-are-not-sources',
      setup(on) {
        on.onResolve({filter: /^#|\/dist\//}, (args) => ({path: args.path, external: true}))
      },
    },
  ],
})
const imported = new Set(Object.keys(result.metafile.inputs).map((input) => relative(root, join(root, input))))
const sources = walk(join(root, 'src')).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => relative(root, file))
const untested = sources.filter((file) => !imported.has(file)).map((file) => ({file, lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1}))
const total = (files) => files.reduce((sum, f) => sum + f.lines, 0)
const all = sources.map((file) => ({file, lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1}))
if (process.argv.includes('--list')) for (const {file, lines} of untested) console.log(`${String(lines).padStart(6)}  ${file}`)
console.log(`${untested.length} of ${sources.length} files of src/ (${total(untested)} of ${total(all)} lines) are imported by no test`)
