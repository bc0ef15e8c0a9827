// Edits to @oclif/core's own files as they are bundled into dist/oclif-core.js. Each keeps what oclif does and takes
// work off every start; each fails the build when its text is not found, so an oclif update cannot drop one silently.
import {readFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'

const here = (file) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)))

// A library oclif needs on few paths is not bundled into dist/oclif-core.js, where every start would parse it, but
// into a file of its own, dist/oclif-lazy/NAME.cjs (see LAZY_LIBRARIES), required on first use. Node builtins are
// loaded on first use as they are.
export const LAZY_LIBRARIES = ['cli-spinners', 'ejs', 'lilconfig', 'minimatch', 'tinyglobby']
const lazyRequire = (name) => {
  const target = LAZY_LIBRARIES.includes(name) ? `./oclif-lazy/${name}.cjs` : name
  return [new RegExp(`(const \\w+ = )(__importDefault\\()?require\\("${name}"\\)(\\))?;`), `$1__veldaLazy(() => $2require("${target}")$3);`]
}

const patches = {
  // Index checks the Node version against @oclif/core's package.json, found from __dirname. A bundle is an ES
  // module with no __dirname, so the check can only throw into its own catch, after loading semver: it goes, and
  // semver with it.
  'lib/index.js': [[/^checkNodeVersion\(\);$/m, ''], [/^function checkNodeVersion\(\) \{\n[\s\S]*?\n\}\n/m, '']],
  // dist/oclif-core.cjs runs as a script (src/entry/code-cache.ts), where import() has no module to resolve from:
  // oclif's imports of command files (and of tsx) go to the ES module that runs it.
  'lib/module-loader.js': [[/await import\(/g, 'await __veldaImport(']],
  'lib/config/ts-path.js': [[/await import\(href\)/, 'await __veldaImport(href)']],
  // Same order as localeCompare, without starting ICU's collator (see compare-ids.mjs).
  'lib/config/plugin.js': [[/\.sort\(\(a, b\) => a\.id\.localeCompare\(b\.id\)\)/, '.sort((a, b) => __veldaCompareIds(a.id, b.id))'], lazyRequire('tinyglobby')],
  // Only for command discovery without a manifest, plugin lists, templates, spinners, reading flags from stdin,
  // the parent shell on Windows and performance marks under OCLIF_PERFORMANCE.
  'lib/parser/parse.js': [lazyRequire('node:readline')],
  'lib/util/os.js': [lazyRequire('node:child_process')],
  'lib/performance.js': [lazyRequire('node:perf_hooks')],
  'lib/config/plugin-loader.js': [lazyRequire('minimatch')],
  'lib/config/config.js': [lazyRequire('ejs')],
  'lib/help/util.js': [lazyRequire('ejs')],
  'lib/ux/action/spinner.js': [lazyRequire('cli-spinners')],
  'lib/util/read-pjson.js': [lazyRequire('lilconfig')],
}

const helperRequires = {
  __veldaLazy: `const {lazy: __veldaLazy} = require(${here('lazy.mjs')});\n`,
  __veldaCompareIds: `const {compareIds: __veldaCompareIds} = require(${here('compare-ids.mjs')});\n`,
}

export const oclifCorePatches = {
  name: 'oclif-core-patches',
  setup(b) {
    b.onResolve({filter: /^\.\/oclif-lazy\//}, (args) => ({path: args.path, external: true}))
    b.onLoad({filter: /[\\/]node_modules[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, async ({path}) => {
      const file = Object.keys(patches).find((f) => path.replaceAll('\\', '/').endsWith(`/@oclif/core/${f}`))
      if (!file) return undefined
      let contents = await readFile(path, 'utf8')
      for (const [pattern, replacement] of patches[file]) {
        if (!pattern.test(contents)) throw new Error(`@oclif/core/${file} no longer contains ${pattern}: update scripts/build/oclif-core-patches.mjs`)
        contents = contents.replace(pattern, replacement)
      }
      // After "use strict", which only counts as the first statement.
      const helpers = Object.entries(helperRequires).filter(([name]) => contents.includes(`${name}(`)).map(([, line]) => line)
      contents = contents.replace(/^("use strict";\n)?/, (strict) => strict + helpers.join(''))
      return {contents, loader: 'js'}
    })
  },
}
