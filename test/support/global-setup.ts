import {existsSync} from 'node:fs'

/** The CLI tests run the built binary: say how to build it rather than fail in confusing ways. */
export default function setup(): void {
  if (!existsSync(new URL('../../oclif.manifest.json', import.meta.url)) || !existsSync(new URL('../../dist/commands', import.meta.url))) {
    throw new Error('the CLI is not built: run `npm run build` (npm test does it for you)')
  }
}
