import {Chalk, chalkStderr} from 'chalk'

/** Colours for stderr messages. */
export interface Paint {
  error(text: string): string
  warning(text: string): string
  dim(text: string): string
  bold(text: string): string
}

/** What writes no colour at all, whatever the terminal. */
const plain = new Chalk({level: 0})

/** The colours of a command's IO: none when its stderr takes none (a pipe, NO_COLOR, a test's buffer). */
export function paintFor(colour: boolean): Paint {
  const chalk = colour ? chalkStderr : plain
  return {
    error: (text) => chalk.red.bold(text),
    warning: (text) => chalk.yellow(text),
    dim: (text) => chalk.dim(text),
    bold: (text) => chalk.bold(text),
  }
}
