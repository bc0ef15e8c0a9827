// Stands in for a module that oclif requires at the top of a file but uses only on some paths (command discovery
// without a manifest, help templates, spinners): the module is loaded the first time one of its exports is read.
export function lazy(load) {
  let loaded
  return new Proxy({}, {get: (_, key) => (loaded ??= load())[key]})
}
