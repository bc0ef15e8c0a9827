// `node scripts/test-only-exports.mjs`: the exports of src/ that only tests import (a dev tool, not part of the
// build or of npm test). Such an export is either dead code that a test keeps alive, or a seam the product does not
// use: each deserves a look. Also lists the exports nobody imports.
//
// It reads import and export statements with the TypeScript parser (no type checking: a few seconds): every
// `import {a} from './x.js'`, `import x from`, `export {a} from`, `export * from` and `import('./x.js')` of src/,
// test/, scripts/, bench/ and bin/, resolved to the file it names. `import * as ns` counts as a use of every name.
// Not uses: a name used only inside its own file (the `export` then serves no one but tests), and oclif's commands
// (src/commands/, loaded by the manifest) and the build's entry points (src/entry/), which are left out.
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import ts from 'typescript'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = ['src', 'test', 'scripts', 'bench', 'bin']
/** Loaded by something other than an import: oclif (the manifest) and scripts/build.mjs (entry points). */
const LOADED_OTHERWISE = [/^src\/commands\//, /^src\/entry\//]

function filesUnder(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'fixtures') return []
    if (statSync(path).isDirectory()) return filesUnder(path)
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

const files = SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir)))
const parsed = new Map(files.map((file) => [file, ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)]))

/** The file a relative specifier names: `./x.js` is ./x.ts in the sources. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return undefined
  const base = resolve(dirname(from), specifier)
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')]
  return candidates.find((path) => parsed.has(path))
}

const hasModifier = (node, kind) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind)

function bindingNames(name) {
  if (ts.isIdentifier(name)) return [name.text]
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)))
}

/** file → its exported names; file → re-exports (name or '*' → the file it comes from, and the name there). */
const exported = new Map()
/** `file#name` of the exports that are types only (interface, type): seams of signatures more than code. */
const typeOnly = new Set()
const reexports = new Map()
for (const [file, source] of parsed) {
  const names = new Set()
  const forwards = []
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const target = statement.moduleSpecifier && resolveSpecifier(file, statement.moduleSpecifier.text)
      if (!statement.exportClause) {
        if (target) forwards.push({name: '*', target, as: '*'})
      } else if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) {
          names.add(element.name.text)
          if (target) forwards.push({name: element.name.text, target, as: (element.propertyName ?? element.name).text})
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      names.add('default')
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) names.add('default')
      else if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) for (const n of bindingNames(d.name)) names.add(n)
      else if (statement.name) {
        names.add(statement.name.text)
        if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) typeOnly.add(`${file}#${statement.name.text}`)
      }
    }
  }
  exported.set(file, names)
  reexports.set(file, forwards)
}

/** target file → name → the files that import it. */
const uses = new Map()
function use(target, name, by, seen = new Set()) {
  const key = `${target}#${name}`
  if (seen.has(key)) return
  seen.add(key)
  const names = name === '*' ? [...(exported.get(target) ?? [])] : [name]
  for (const n of names) {
    if (!uses.has(target)) uses.set(target, new Map())
    const byName = uses.get(target)
    if (!byName.has(n)) byName.set(n, new Set())
    byName.get(n).add(by)
  }
  for (const forward of reexports.get(target) ?? []) {
    if (forward.name === '*' || name === '*') use(forward.target, forward.as === '*' ? name : forward.as, by, seen)
    else if (forward.name === name) use(forward.target, forward.as, by, seen)
  }
}

for (const [file, source] of parsed) {
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const target = resolveSpecifier(file, node.moduleSpecifier.text)
      const clause = node.importClause
      if (target && clause) {
        if (clause.name) use(target, 'default', file)
        const bindings = clause.namedBindings
        if (bindings && ts.isNamespaceImport(bindings)) use(target, '*', file)
        if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) use(target, (element.propertyName ?? element.name).text, file)
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      // A re-export is a use only once something imports it through this file (handled in use()).
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      const target = argument && ts.isStringLiteral(argument) ? resolveSpecifier(file, argument.text) : undefined
      if (target) use(target, '*', file)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}

const rel = (path) => relative(ROOT, path)
const testOnly = []
const unused = []
for (const [file, names] of exported) {
  const path = rel(file)
  if (!path.startsWith('src/') || LOADED_OTHERWISE.some((pattern) => pattern.test(path))) continue
  for (const name of [...names].sort()) {
    const label = `${path}: ${name}${typeOnly.has(`${file}#${name}`) ? ' (type)' : ''}`
    const by = [...(uses.get(file)?.get(name) ?? [])].map(rel).filter((user) => user !== path)
    if (by.length === 0) unused.push(label)
    else if (by.every((user) => user.startsWith('test/'))) testOnly.push(`${label}\n    ${by.sort().join('\n    ')}`)
  }
}

console.log(`Exports of src/ imported only by tests (${testOnly.length}):\n${testOnly.join('\n')}\n`)
console.log(`Exports of src/ imported by no other file, used in their own file or nowhere (${unused.length}):\n${unused.join('\n')}`)
