// An ES `import ... from 'node:fs'` makes Node build a module facade over the builtin, which reads every export
// once: for node:fs that runs its lazy getters (fs.promises, ReadStream and the whole streams stack) on every start.
// A require() of the same builtin returns the module object as it is, so bundles reach builtins through require
// (the bundle banner defines it) and each import reads its names from that object when it runs.
//
// The builtins below are not part of Node's own start-up and cost milliseconds to load, while most runs never call
// them (crypto names droplets and writes private files; readline asks questions): their stand-in loads the builtin
// when one of its exports is first read. Only functions and classes are read from them, never assigned.
import {createRequire, isBuiltin} from 'node:module'

const require = createRequire(import.meta.url)
const LOADED_ON_USE = new Set(['child_process', 'crypto', 'perf_hooks', 'readline', 'readline/promises'])

function contents(path) {
  const load = `require(${JSON.stringify(path)})`
  if (!LOADED_ON_USE.has(path.replace(/^node:/, ''))) return `module.exports = ${load}`
  const names = Object.keys(require(path)).filter((name) => name !== 'default')
  const getters = names.map((name) => `  ${JSON.stringify(name)}: {enumerable: true, get: () => load()[${JSON.stringify(name)}]},`)
  return [`let loaded`, `const load = () => (loaded ??= ${load})`, `module.exports = Object.defineProperties({}, {`, ...getters, `})`].join('\n')
}

export const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({filter: /^[a-z_:/]+$/}, (args) => {
      if (!isBuiltin(args.path) || (args.kind !== 'import-statement' && args.kind !== 'dynamic-import')) return undefined
      return {path: args.path, namespace: 'builtin-as-require'}
    })
    b.onLoad({filter: /.*/, namespace: 'builtin-as-require'}, ({path}) => ({contents: contents(path), loader: 'js'}))
  },
}
