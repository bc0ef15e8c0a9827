// Builds dist/: one self-contained ESM bundle per command (our code, yaml and chalk inlined), so starting a
// command loads one file instead of a hundred small modules. @oclif/core stays shared, and the DigitalOcean
// client stays external so that only commands that call the API ever load it (lazily).
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

rmSync('dist', {recursive: true, force: true})
rmSync('oclif.manifest.json', {force: true})

const entryPoints = commandFiles('src/commands')
await build({
  entryPoints,
  outdir: 'dist/commands',
  outbase: 'src/commands',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: ['@oclif/core', '@oclif/core/*', '@digitalocean/dots', '@digitalocean/dots/*', '@microsoft/*'],
  // Bundled CommonJS code (yaml) calls require(); give it a real one in ESM.
  banner: {js: "import {createRequire as __veldaCreateRequire} from 'node:module'; const require = __veldaCreateRequire(import.meta.url);"},
  logLevel: 'warning',
})
console.log(`built ${entryPoints.length} commands: ${entryPoints.map((p) => relative('src/commands', p)).join(', ')}`)
