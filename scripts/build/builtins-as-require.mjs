// An ES `import ... from 'node:fs'` makes Node build a module facade over the builtin, which reads every export
// once: for node:fs that runs its lazy getters (fs.promises, ReadStream and the whole streams stack) on every start.
// A require() of the same builtin returns the module object as it is, so bundles reach builtins through require
// (the bundle banner defines it) and each import reads its names from that object when it runs.
import {isBuiltin} from 'node:module'

export const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({filter: /^[a-z_:/]+$/}, (args) => {
      if (!isBuiltin(args.path) || (args.kind !== 'import-statement' && args.kind !== 'dynamic-import')) return undefined
      return {path: args.path, namespace: 'builtin-as-require'}
    })
    b.onLoad({filter: /.*/, namespace: 'builtin-as-require'}, ({path}) => ({contents: `module.exports = require(${JSON.stringify(path)})`, loader: 'js'}))
  },
}
