import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Only src/lib/do/ talks to DigitalOcean: the client, its Kiota runtime and their Azure auth, by any subpath.
const DIGITALOCEAN_CLIENT = {
  group: ['@digitalocean/dots', '@digitalocean/dots/*', '@microsoft/kiota-*', '@microsoft/kiota-*/*', '@azure/*'],
  message: 'Only src/lib/do/ talks to DigitalOcean.',
}

// The layers of src/lib, lowest first: a folder imports only from the folders of the floors below it (and its own).
// commands/ is the top; the simulator, a product of its own, sits on the ground floors only.
const FLOORS = [
  ['base', 'system', 'net', 'boot'],
  ['text'],
  ['config', 'do', 'ssh', 'simulator'],
  ['catalog', 'completion'],
  ['pool', 'userdata'],
  ['doctor', 'validation'],
  ['output'],
  ['cli'],
]

/** One eslint block a folder: what it may not import (every folder of its floor's height and above, but itself). */
function layerRules() {
  return FLOORS.flatMap((floor, height) =>
    floor.map((folder) => {
      const above = FLOORS.slice(height).flat().filter((other) => other !== folder)
      const patterns = [
        ...(folder === 'do' ? [{group: ['**/config/*'], message: 'src/lib/do/ knows no config: take plain values.'}] : [DIGITALOCEAN_CLIENT]),
        {group: [...above.map((other) => `**/${other}/*`), '**/commands/*'], message: `src/lib/${folder}/ is below these: it may import only from the floors beneath it (eslint.config.js, FLOORS).`},
      ]
      return {files: [`src/lib/${folder}/**`], rules: {'no-restricted-imports': ['error', {patterns}]}}
    }),
  )
}

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'oclif.manifest.json', 'bench/.out/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: globals.node},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-restricted-imports': ['error', {patterns: [DIGITALOCEAN_CLIENT]}],
    },
  },
  {
    // A command's streams are its Factory's IO (src/lib/cli/factory.ts): tests hand it fakes. Only io.ts reads the
    // process's own; the simulator's last-resort crash report (simulator/run.ts) writes to the process's stderr.
    files: ['src/**/*.ts'],
    ignores: ['src/lib/cli/io.ts', 'src/lib/simulator/run.ts', 'src/lib/simulator/server.ts'],
    rules: {
      'no-restricted-properties': ['error',
        ...['stdout', 'stderr', 'stdin'].map((property) => ({object: 'process', property, message: 'Use the IO of the command\'s Factory (this.factory.io), so that tests can give it a fake.'})),
      ],
    },
  },
  // The API layer may use the client; it gets plain values (src/lib/cli/connection.ts resolves them), never config.
  ...layerRules(),
  {
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          {name: 'node:fs', message: 'Commands stay thin: file access lives in src/lib.'},
          {name: 'node:fs/promises', message: 'Commands stay thin: file access lives in src/lib.'},
          {name: 'yaml', message: 'Commands stay thin: YAML lives in src/lib/config.'},
          {name: 'node:http', message: 'Commands stay thin: HTTP lives in src/lib/do (and the simulator in src/lib/simulator).'},
          {name: 'node:https', message: 'Commands stay thin: HTTP lives in src/lib/do.'},
        ],
        patterns: [DIGITALOCEAN_CLIENT],
      }],
    },
  },
)
