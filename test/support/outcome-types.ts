import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'

import ts from 'typescript'

import {PROJECT_ROOT} from './cli.js'

/**
 * What the code says a script sees, read from the sources with TypeScript's own checker (no build, no run): each
 * error's `error.code` and exit code, and each command's `--json` keys (the properties of the result type its class
 * declares). test/docs/outcome-contract.test.ts holds docs/cli.md to these, so the page and the code cannot drift
 * apart without a failing test.
 */

/** An `error.code` and the exit codes it can end with (several when the exit is decided at run time). */
export interface ErrorCodeFact {
  code: string
  exits: number[]
  /** Where it is declared: `src/lib/do/errors.ts (NetworkError)`. */
  where: string
}

/** A command (`pool up`), and the keys of its `--json` document: every property any variant of its result has. */
export interface CommandKeysFact {
  command: string
  keys: string[]
}

const SRC = join(PROJECT_ROOT, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

let program: ts.Program | null = null

/** One program over src/, made once per test file (a few seconds of CPU). */
function theProgram(): ts.Program {
  program ??= ts.createProgram(sourceFiles(SRC), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  })
  return program
}

const inSrc = (file: ts.SourceFile) => file.fileName.startsWith(SRC) && !file.isDeclarationFile

/** The class a class extends, as the checker resolves it; null at the top. */
function baseClass(checker: ts.TypeChecker, node: ts.ClassDeclaration): ts.ClassDeclaration | null {
  const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]
  if (!heritage) return null
  const symbol = checker.getSymbolAtLocation(heritage.expression)
  const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
  return (target?.declarations?.find(ts.isClassDeclaration) as ts.ClassDeclaration | undefined) ?? null
}

function chain(checker: ts.TypeChecker, node: ts.ClassDeclaration): ts.ClassDeclaration[] {
  const classes: ts.ClassDeclaration[] = []
  for (let at: ts.ClassDeclaration | null = node; at; at = baseClass(checker, at)) classes.push(at)
  return classes
}

/** The literal values a type stands for: `'a' | 'b'` gives both, `2` gives 2; null for a type that is not literals. */
function literalValues(type: ts.Type): (string | number)[] | null {
  const members = type.isUnion() ? type.types : [type]
  const values = members.map((member) => (member.isStringLiteral() || member.isNumberLiteral() ? member.value : null))
  return values.every((value) => value !== null) ? (values as (string | number)[]) : null
}

/**
 * What a class's `name` property holds, from the nearest declaration up its chain: its initializer's literal type
 * (`readonly exitCode = ExitCode.api` is 3), else its declared type (`readonly code: RefusalClass` is each class).
 */
function propertyValues(checker: ts.TypeChecker, classes: ts.ClassDeclaration[], name: string): (string | number)[] | null {
  for (const node of classes) {
    const property = node.members.find((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && m.name.getText() === name)
    if (!property) continue
    const fromInitializer = property.initializer ? literalValues(checker.getTypeAtLocation(property.initializer)) : null
    if (fromInitializer) return fromInitializer
    if (property.type) return literalValues(checker.getTypeFromTypeNode(property.type))
  }
  return null
}

/**
 * Every `error.code` a command can print, and its exit codes: each concrete subclass of VeldaError in src/, and the
 * codes velda-do gives what it did not throw itself (cli/failure.ts: oclif's parse errors, a bug).
 */
export function errorCodeFacts(): ErrorCodeFact[] {
  const checker = theProgram().getTypeChecker()
  const facts: ErrorCodeFact[] = []
  for (const file of theProgram().getSourceFiles().filter(inSrc)) {
    const where = relative(PROJECT_ROOT, file.fileName)
    file.forEachChild(function visit(node): void {
      if (ts.isClassDeclaration(node) && node.name && !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) {
        const classes = chain(checker, node)
        if (classes.some((c) => c.name?.text === 'VeldaError') && node.name.text !== 'VeldaError') {
          const codes = propertyValues(checker, classes, 'code')
          const exits = propertyValues(checker, classes, 'exitCode')
          if (!codes || !exits) throw new Error(`${where} (${node.name.text}): its code or exit code is not a literal the contract test can read`)
          for (const code of codes) facts.push({code: String(code), exits: exits.map(Number), where: `${where} (${node.name.text})`})
        }
      }
      // toFailure's own documents: an object literal with both `exitCode: ExitCode.x` and `code: '...'`.
      if (ts.isObjectLiteralExpression(node) && where === join('src', 'lib', 'cli', 'failure.ts')) {
        const value = (name: string) => {
          const property = node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name)
          return property ? literalValues(checker.getTypeAtLocation(property.initializer)) : null
        }
        const [code, exit] = [value('code'), value('exitCode')]
        if (code && exit) facts.push({code: String(code[0]), exits: exit.map(Number), where: `${where} (toFailure)`})
      }
      node.forEachChild(visit)
    })
  }
  return facts
}

/** `src/commands/pool/up.ts` → `pool up`. */
function commandName(file: string): string {
  return relative(join(SRC, 'commands'), file).replace(/\.ts$/, '').split('/').join(' ')
}

/**
 * Each command's `--json` keys: the properties of every variant of the result type its class gives BaseCommand or
 * ApiCommand (`ApiCommand<PoolUpOutput>`), `error` left out (it is the error document's). Commands without such a
 * type argument (the hidden `__complete`) have none.
 */
export function commandKeysFacts(): CommandKeysFact[] {
  const checker = theProgram().getTypeChecker()
  const facts: CommandKeysFact[] = []
  for (const file of theProgram().getSourceFiles().filter(inSrc).filter((f) => f.fileName.startsWith(join(SRC, 'commands')))) {
    const command = file.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && Boolean(s.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)))
    const argument = command?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.typeArguments?.[0]
    if (!argument) continue
    const type = checker.getTypeFromTypeNode(argument)
    const variants = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)))
    const keys = new Set(variants.flatMap((variant) => checker.getPropertiesOfType(variant).map((p) => p.name)))
    keys.delete('error')
    facts.push({command: commandName(file.fileName), keys: [...keys].sort()})
  }
  return facts
}

/** The commands that call DigitalOcean, and so read the token: those whose class extends ApiCommand. */
export function apiCommands(): string[] {
  const checker = theProgram().getTypeChecker()
  return theProgram().getSourceFiles().filter(inSrc).filter((f) => f.fileName.startsWith(join(SRC, 'commands'))).flatMap((file) => {
    const command = file.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && Boolean(s.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)))
    return command && chain(checker, command).some((c) => c.name?.text === 'ApiCommand') ? [commandName(file.fileName)] : []
  })
}
