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
 * zChat refused a call on an interaction with a status that does not say whether the call or the
 * interaction was refused: 400, 422 (the document's one error, shown with no meaning attached: a
 * content too long, a URL it cannot fetch, a finished interaction) or 404. Only another call can
 * tell (docs/decisions/017-no-guess-ends-a-chat.md).
 */
export function isRefusal(error: unknown): boolean {
  const cause = error instanceof ApiError ? error.cause : error
  return (
    cause instanceof ZChatHttpError &&
    (cause.status === 400 || cause.status === 404 || cause.status === 422)
  )
}

/**
 * A call zChat refused while the interaction goes on: a 422 whose `upstream` detail tells the widget
 * who refused it, so the visitor is told that, and not offered a Retry that would be refused again.
 */
export function refusedByZChat(what: 'message' | 'rating', error: unknown): ApiError {
  return Object.assign(
    new ApiError('UNPROCESSABLE', refusedWords[what], [
      { path: 'upstream', message: 'Refused by zChat' },
    ]),
    { cause: error instanceof ApiError ? error.cause : error },
  )
}

const refusedWords = {
  message: 'zChat refused this message; the conversation goes on',
  rating: 'zChat refused this rating',
} as const
