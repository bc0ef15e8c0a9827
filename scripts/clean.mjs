// Removes build output so a deleted source file never survives as a stale command in dist/.
import {rmSync} from 'node:fs'

for (const path of ['dist', 'oclif.manifest.json']) rmSync(path, {recursive: true, force: true})
