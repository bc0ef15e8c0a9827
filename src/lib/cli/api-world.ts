import {followSsh} from '../ssh/follow.js'
import {runSshInteractive} from '../ssh/interactive.js'
import {runSsh} from '../ssh/run.js'
import {openTraceFile} from '../output/trace-file.js'
import {headRequest} from '../net/head-request.js'
import {connectApi} from './connection.js'
import type {ApiWorld} from './factory.js'

/**
 * The real API client and ssh, for the commands that call DigitalOcean (ApiCommand): only their bundles hold the
 * API layer. The DigitalOcean client itself (dots, Kiota) still loads only when a command connects (do/dots.ts).
 */
export const API_WORLD: ApiWorld = {
  connectApi,
  ssh: {run: runSsh, interactive: runSshInteractive, follow: followSsh},
  openTraceFile,
  headRequest,
}
