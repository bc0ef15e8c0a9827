import type {VeldaError} from '../../src/lib/base/errors.js'

/** What `promise` was rejected with; the test fails if it was fulfilled. */
export async function failure(promise: Promise<unknown>): Promise<VeldaError> {
  try {
    await promise
  } catch (error) {
    return error as VeldaError
  }
  throw new Error('expected a failure, but it succeeded')
}
