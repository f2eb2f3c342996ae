/** zChat failures -> the proxy's error shape. Classified by error class and status, never text. */
import { ApiError } from '../errors.ts'
import {
  ZChatHttpError,
  ZChatNetworkError,
  ZChatResponseError,
  ZChatTimeoutError,
} from '../zchat/client.ts'

export function fromUpstream(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof ZChatTimeoutError)
    return new ApiError('UPSTREAM_TIMEOUT', 'zChat did not answer in time. Please try again.')
  if (error instanceof ZChatNetworkError)
    return new ApiError('UPSTREAM_ERROR', 'zChat could not be reached. Please try again.')
  if (error instanceof ZChatResponseError)
    return new ApiError('UPSTREAM_ERROR', 'zChat answered something unexpected.')
  if (error instanceof ZChatHttpError) {
    switch (error.status) {
      case 404:
        return new ApiError('NOT_FOUND', 'Conversation not found')
      case 400:
      case 422:
        // zChat's own wording stays in our log (the error's cause): it is not for visitors.
        return new ApiError('UNPROCESSABLE', 'zChat refused the request.')
      case 429:
        return new ApiError(
          'RATE_LIMITED',
          'zChat is receiving too many requests. Please try again shortly.',
        )
      case 401:
      case 403:
        // Our token was refused: a configuration problem, not the visitor's.
        return new ApiError('UPSTREAM_ERROR', 'The chat service is misconfigured.')
      default:
        return new ApiError('UPSTREAM_ERROR', `zChat failed (${error.status}). Please try again.`)
    }
  }
  throw error
}

/** Runs a zChat call and rethrows its failure in our shape; upstream details go to the log. */
export async function upstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw Object.assign(fromUpstream(error), { cause: error })
  }
}

/**
 * zChat no longer takes calls on this interaction: 404 (unknown), or 422 on a call whose body we
 * already checked (the document shows 422 as its one error, and it is what a finished interaction
 * gets). The conversation is over for the visitor, whether or not its trigger reached us.
 */
export function isInteractionOver(error: unknown): boolean {
  const cause = error instanceof ApiError ? error.cause : error
  return cause instanceof ZChatHttpError && (cause.status === 404 || cause.status === 422)
}
