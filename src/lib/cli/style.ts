import {chalkStderr} from 'chalk'

/** Colours for stderr messages; chalk turns them off when stderr is not a TTY and honours NO_COLOR/FORCE_COLOR. */
export const paint = {
  error: (text: string) => chalkStderr.red.bold(text),
  warning: (text: string) => chalkStderr.yellow(text),
  dim: (text: string) => chalkStderr.dim(text),
  bold: (text: string) => chalkStderr.bold(text),
}
