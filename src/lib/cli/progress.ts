import {paint} from './style.js'

/** Progress of a long command: an ora spinner on a TTY, otherwise one plain line per change (CI logs). */
export interface Progress {
  update(text: string): void
  succeed(text: string): void
  fail(text: string): void
}

export async function createProgress(options: {spinner: boolean; write: (line: string) => void}): Promise<Progress> {
  if (options.spinner) {
    const {default: ora} = await import('ora')
    const spinner = ora({stream: process.stderr}).start()
    return {
      update: (text) => {
        spinner.text = text
      },
      succeed: (text) => spinner.succeed(text),
      fail: (text) => spinner.fail(text),
    }
  }
  let last = ''
  return {
    update: (text) => {
      if (text !== last) options.write(paint.dim(text))
      last = text
    },
    succeed: (text) => options.write(text),
    fail: (text) => options.write(paint.warning(text)),
  }
}
