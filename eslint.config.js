import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'oclif.manifest.json', 'bench/.out/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: globals.node},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-restricted-imports': ['error', {
        paths: [{name: '@digitalocean/dots', message: 'Only src/lib/do/ talks to DigitalOcean.'}],
      }],
    },
  },
  {
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          {name: 'node:fs', message: 'Commands stay thin: file access lives in src/lib.'},
          {name: 'node:fs/promises', message: 'Commands stay thin: file access lives in src/lib.'},
          {name: 'yaml', message: 'Commands stay thin: YAML lives in src/lib/config.'},
          {name: '@digitalocean/dots', message: 'Only src/lib/do/ talks to DigitalOcean.'},
        ],
      }],
    },
  },
)
