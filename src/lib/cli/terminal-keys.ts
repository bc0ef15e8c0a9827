import type {InputStream} from './io.js'

const CTRL_C = 0x03

/**
 * While a spinner runs, keys typed at the terminal must not garble it, so the terminal goes into raw mode. Raw mode
 * also stops the terminal from turning Ctrl-C into SIGINT; so the keys are read here, and Ctrl-C becomes a stop
 * as if the signal had come. (ora's own `discardStdin` swallows Ctrl-C: it never resumes a fresh stdin.)
 * Returns the function that gives the terminal back as it was.
 */
export function captureCtrlC(onCtrlC: () => void, stdin: InputStream): () => void {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return () => {}
  const setRawMode = stdin.setRawMode.bind(stdin)
  const wasRaw = stdin.isRaw === true
  const onData = (chunk: Buffer | string) => {
    if ((typeof chunk === 'string' ? Buffer.from(chunk) : chunk).includes(CTRL_C)) onCtrlC()
  }
  try {
    setRawMode(true)
  } catch {
    // A terminal that is already gone (SIGHUP) cannot be captured; nothing to give back either.
    return () => {}
  }
  stdin.on('data', onData)
  stdin.resume()
  let released = false
  return () => {
    if (released) return
    released = true
    stdin.off('data', onData)
    try {
      setRawMode(wasRaw)
    } catch {
      // The terminal closed meanwhile.
    }
    // A flowing stdin would keep the process alive after the command is done.
    stdin.pause()
  }
}
