// Builds dist/: one self-contained ESM bundle per command (our code and every library but @oclif/core inlined), so
// starting a command loads one file instead of a hundred small modules; and dist/do-client.js, the DigitalOcean
// client (dots, Kiota) in one file that only commands calling the API load. The installed package therefore
// depends on @oclif/core alone.
import {execFileSync} from 'node:child_process'
import {readdirSync, rmSync} from 'node:fs'
import {join, relative} from 'node:path'

import {build} from 'esbuild'

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

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Maps stay in dist/ for developers; package.json "files" leaves them out of the package. Bundles are not
  // minified, so a user's stack trace is readable as it is, and the maps of the same commit (builds are
  // reproducible) turn it into source lines.
  sourcemap: 'linked',
  // Bundled CommonJS code (yaml) calls require(); give it a real one in ESM.
  banner: {js: "import {createRequire as __veldaCreateRequire} from 'node:module'; const require = __veldaCreateRequire(import.meta.url);"},
  logLevel: 'warning',
}

rmSync('dist', {recursive: true, force: true})
rmSync('oclif.manifest.json', {force: true})

const entryPoints = commandFiles('src/commands')
await Promise.all([
  build({...common, entryPoints, outdir: 'dist/commands', outbase: 'src/commands', external: ['@oclif/core', '@oclif/core/*'], plugins: [doClientExternal]}),
  build({...common, entryPoints: ['src/lib/do/do-client.js'], outfile: 'dist/do-client.js'}),
])
console.log(`built ${entryPoints.length} commands: ${entryPoints.map((p) => relative('src/commands', p)).join(', ')}`)

// The oclif CLI checks npm for a newer oclif on every run and says so; that is noise in every build, test and demo.
execFileSync(process.execPath, [join('node_modules', 'oclif', 'bin', 'run.js'), 'manifest'], {stdio: 'inherit', env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}})
