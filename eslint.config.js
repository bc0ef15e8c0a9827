import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Only src/lib/do/ talks to DigitalOcean: the client, its Kiota runtime and their Azure auth, by any subpath.
const DIGITALOCEAN_CLIENT = {
  group: ['@digitalocean/dots', '@digitalocean/dots/*', '@microsoft/kiota-*', '@microsoft/kiota-*/*', '@azure/*'],
  message: 'Only src/lib/do/ talks to DigitalOcean.',
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
    // The API layer may use the client; it gets plain values (src/lib/connection.ts resolves them), never config.
    files: ['src/lib/do/**'],
    rules: {'no-restricted-imports': ['error', {patterns: [{group: ['**/config/*'], message: 'src/lib/do/ knows no config: take plain values.'}]}]},
  },
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
