// Builds dist/: one self-contained bundle per command (our code and every library but @oclif/core inlined), so
// starting a command loads one file instead of a hundred small modules; dist/oclif-core.cjs, @oclif/core and its
// dependencies in one file that bin/run.js and every command share (through dist/oclif-core.js); and
// dist/do-client.js, the DigitalOcean client (dots, Kiota) in one file that only commands calling the API load.
// scripts/build/ has what keeps start-up short (see docs/development.md, "Start-up within 2x bare node").
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

import {asciiRegexes, checkAscii} from './build/ascii-only.mjs'
import {builtinsAsRequire} from './build/builtins-as-require.mjs'
import {LAZY_LIBRARIES, oclifCorePatches} from './build/oclif-core-patches.mjs'

function commandFiles(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return commandFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

// Commands sit at different depths under dist/commands/, so they reach the client through the package's own
// "imports" map (#do-client -> ./dist/do-client.js) rather than a relative path.
const doClientExternal = {
  name: 'do-client-external',
  setup(b) {
    b.onResolve({filter: /\/do-client\.js$/}, (args) => (args.importer.endsWith(join('src', 'lib', 'do', 'dots.ts')) ? {path: '#do-client', external: true} : undefined))
  },
}

// ora draws the spinner of API commands at a terminal, reached only through import('ora'): it is bundled into
// dist/ora.js (package.json "imports": #ora) rather than into every command, where each start would parse it.
// yaml's ES module build (the one it gives bundlers) instead of its CommonJS one: esbuild can leave out what velda-do
// never calls (the CLI's own commands, most of the stringifier's options), and the command bundles get smaller.
const yamlModules = {
  name: 'yaml-modules',
  setup(build) {
    build.onResolve({filter: /^yaml$/}, () => ({path: fileURLToPath(new URL('../node_modules/yaml/browser/dist/index.js', import.meta.url))}))
  },
}

const oraSeparate = {
  name: 'ora-separate',
  setup(b) {
    b.onResolve({filter: /^ora$/}, (args) => (args.kind === 'dynamic-import' ? {path: '#ora', external: true} : undefined))
  },
}

// Commands import @oclif/core by subpath ('@oclif/core/flags', ...). In the bundles each such import becomes a
// small shim over #oclif-core (-> ./dist/oclif-core.js), the one copy bin/run.js runs: a second copy of oclif's
// classes would break its `instanceof` checks (a command's this.exit() would print as a crash).
const coreNamespaces = {args: 'Args', errors: 'Errors', flags: 'Flags', interfaces: 'Interfaces', parser: 'Parser'}
const coreExports = new Set(Object.keys(await import('@oclif/core')))
const oclifCoreShared = {
  name: 'oclif-core-shared',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core(\/.*)?$/}, (args) => ({path: args.path, namespace: 'oclif-core-shim'}))
    b.onLoad({filter: /.*/, namespace: 'oclif-core-shim'}, async ({path}) => {
      const subpath = path.slice('@oclif/core/'.length)
      if (!subpath) return {contents: "export * from '#oclif-core'", loader: 'js'}
      const names = Object.keys(await import(path)).filter((n) => n !== 'default' && n !== '__esModule')
      const namespace = coreNamespaces[subpath]
      if (namespace) return {contents: `import {${namespace}} from '#oclif-core'\nexport const {${names.join(', ')}} = ${namespace}`, loader: 'js'}
      const missing = names.filter((n) => !coreExports.has(n))
      if (missing.length > 0) throw new Error(`${path} exports ${missing.join(', ')}, which @oclif/core's index does not: add '${subpath}' to coreNamespaces in scripts/build.mjs`)
      return {contents: `export {${names.join(', ')}} from '#oclif-core'`, loader: 'js'}
    })
    b.onResolve({filter: /^#oclif-core$/}, () => ({path: '#oclif-core', external: true}))
  },
}

// In a command's CommonJS body, #oclif-core is the copy dist/oclif-core.js runs, handed to the body's wrapper.
const oclifCoreParameter = {
  name: 'oclif-core-parameter',
  setup(b) {
    b.onResolve({filter: /^#oclif-core$/}, () => ({path: '#oclif-core', namespace: 'oclif-core-parameter'}))
    b.onLoad({filter: /.*/, namespace: 'oclif-core-parameter'}, () => ({contents: 'module.exports = __veldaOclifCore', loader: 'js'}))
  },
}

// A body runs as a script, where import() has no module to resolve from: its import() of #do-client and #ora goes
// to the command's ES module instead. Then each command gets that module: it runs the body and exports its class.
function writeCommandModules({metafile}) {
  for (const [out, {entryPoint, imports}] of Object.entries(metafile.outputs)) {
    if (!entryPoint) continue
    let text = readFileSync(out, 'utf8')
    for (const {path} of imports.filter((i) => i.kind === 'dynamic-import' && i.external)) {
      const call = `import(${JSON.stringify(path)})`
      if (!text.includes(call)) throw new Error(`${out}: no ${call} to send through the command's module`)
      text = text.replaceAll(call, `__veldaImport(${JSON.stringify(path)})`)
    }
    if (/\bimport\(/.test(text.replaceAll('__veldaImport(', ''))) console.warn(`${out}: an import() is left that a script cannot run`)
    writeFileSync(out, text)
    const module = join('dist', 'commands', relative('src/commands', entryPoint).replace(/\.ts$/, '.js'))
    mkdirSync(dirname(module), {recursive: true})
    writeFileSync(module, [
      '// Runs this command\'s bundle (CommonJS, with V8\'s code cache): see src/entry/oclif-core.ts, runCommandBundle.',
      "import {runCommandBundle} from '#oclif-core'",
      `export default runCommandBundle(new URL(${JSON.stringify(relative(dirname(module), out).replaceAll('\\', '/'))}, import.meta.url), import.meta.url).default`,
      '',
    ].join('\n'))
  }
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Maps stay in dist/ for developers; package.json "files" leaves them out of the package. Names and lines are
  // not minified, so a user's stack trace is readable as it is, and the maps of the same commit (builds are
  // reproducible) turn it into source lines.
  sourcemap: 'linked',
  // Bundled CommonJS code (yaml) calls require(); give it a real one in ESM.
  banner: {js: "import {createRequire as __veldaCreateRequire} from 'node:module'; const require = __veldaCreateRequire(import.meta.url);"},
  logLevel: 'warning',
  // Shorter code to parse at every start (a few per cent of it), names and lines kept.
  minifySyntax: true,
}

rmSync('dist', {recursive: true, force: true})
rmSync('oclif.manifest.json', {force: true})

const entryPoints = commandFiles('src/commands')
await Promise.all([
  // Each command: CommonJS in dist/command-bodies/, run with V8's code cache by a small ES module in dist/commands/
  // (see commandModule below), which is what oclif imports. The body receives @oclif/core, import() and its
  // module's import.meta.url from that module (src/entry/oclif-core.ts, runCommandBundle).
  build({
    ...common,
    banner: undefined,
    format: 'cjs',
    entryPoints,
    outdir: 'dist/command-bodies',
    outbase: 'src/commands',
    outExtension: {'.js': '.cjs'},
    define: {'import.meta.url': '__veldaImportMetaUrl'},
    metafile: true,
    plugins: [yamlModules, doClientExternal, oclifCoreParameter, oclifCoreShared, oraSeparate, builtinsAsRequire],
  }).then(writeCommandModules),
  // oclif reaches for TypeScript, ts-node and Yarn PnP only to run TypeScript sources, which bin/run.js turns off.
  // CommonJS, run as a script with V8's code cache by the small ES module dist/oclif-core.js (src/entry/oclif-core.ts),
  // which supplies its require; the script's wrapper makes it strict, as the ES module it was.
  build({
    ...common,
    banner: undefined,
    format: 'cjs',
    entryPoints: ['src/entry/oclif-core-body.ts'],
    outfile: 'dist/oclif-core.cjs',
    external: ['typescript', 'ts-node', 'pnpapi'],
    plugins: [oclifCorePatches, asciiRegexes, builtinsAsRequire],
  }),
  build({...common, entryPoints: ['src/entry/oclif-core.ts'], outfile: 'dist/oclif-core.js'}),
  // oclif's hooks (package.json oclif.hooks), each loaded only when its event comes: a command not found.
  build({...common, entryPoints: readdirSync('src/hooks').map((name) => join('src/hooks', name)), outdir: 'dist/hooks', plugins: [oclifCoreShared, builtinsAsRequire]}),
  // The help class (package.json oclif.helpClass): oclif's own, from the one copy of @oclif/core.
  build({...common, banner: undefined, entryPoints: ['src/help/velda-help.ts'], outfile: 'dist/help/velda-help.js', plugins: [oclifCoreShared]}),
  build({...common, entryPoints: ['src/lib/do/do-client.js'], outfile: 'dist/do-client.js', plugins: [builtinsAsRequire]}),
  build({...common, stdin: {contents: "export {default} from 'ora'", resolveDir: '.', sourcefile: 'ora.js'}, outfile: 'dist/ora.js', plugins: [builtinsAsRequire]}),
  // CommonJS, so that oclif's bundle can require() them on first use (see scripts/build/oclif-core-patches.mjs).
  ...LAZY_LIBRARIES.map((name) => build({
    ...common,
    banner: undefined,
    format: 'cjs',
    stdin: {contents: `module.exports = require(${JSON.stringify(name)})`, resolveDir: '.', sourcefile: `oclif-lazy-${name}.cjs`},
    outfile: `dist/oclif-lazy/${name}.cjs`,
  })),
])
const jsFiles = (dir) => readdirSync(dir, {withFileTypes: true, recursive: true}).filter((e) => e.isFile() && /\.c?js$/.test(e.name)).map((e) => join(e.parentPath ?? e.path, e.name))
await checkAscii(jsFiles('dist'))
console.log(`built ${entryPoints.length} commands: ${entryPoints.map((p) => relative('src/commands', p)).join(', ')}`)

// The oclif CLI checks npm for a newer oclif on every run and says so; that is noise in every build, test and demo.
// Loading the commands for the manifest writes no code cache: the first real run writes one that holds what it ran.
execFileSync(process.execPath, [join('node_modules', 'oclif', 'bin', 'run.js'), 'manifest'], {stdio: 'inherit', env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NODE_DISABLE_COMPILE_CACHE: '1'}})
