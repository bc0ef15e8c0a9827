// The DigitalOcean client in one module: scripts/build.mjs bundles it (dots, Kiota and what they use) into
// dist/do-client.js, which only commands that call the API load, and which makes the installed package need none
// of them. Plain JavaScript: dots ships TypeScript sources without declarations, which tsc would check in full
// (and fail on); do-client.d.ts describes the part velda-do uses.
export * as abstractions from '@microsoft/kiota-abstractions'
export * as http from '@microsoft/kiota-http-fetchlibrary'
export {createDigitalOceanClient} from '@digitalocean/dots/src/dots/digitalOceanClient.js'
