/** Ctrl-C as a flag the pool operations poll between steps: a create in flight is allowed to finish. */
export function watchInterrupt(onFirst: () => void): {isInterrupted(): boolean; dispose(): void} {
  let interrupted = false
  const handler = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    onFirst()
  }
  process.on('SIGINT', handler)
  return {isInterrupted: () => interrupted, dispose: () => process.off('SIGINT', handler)}
}
