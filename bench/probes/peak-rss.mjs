// `node bench/probes/peak-rss.mjs bin/run.js ARGS...`: runs the CLI in this process, as `node bin/run.js ARGS...`
// would (oclif reads process.argv), and writes its peak resident memory to stderr as it exits.
import {writeSync} from 'node:fs'
import {resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

process.on('exit', () => writeSync(2, `\npeak_rss_kb=${process.resourceUsage().maxRSS}\n`))
process.argv.splice(1, 1)
await import(pathToFileURL(resolve(process.argv[1])).href)
