/**
 * What messages left may cost the site's inbox over the whole deployment. Leaving a message needs
 * no agent, so a crowd of addresses could fill the inbox, or turn the site's acknowledgement email
 * into a relay for whatever they wrote to whatever address they typed: past
 * LEAVE_MESSAGE_PER_MINUTE_GLOBAL a minute, or LEAVE_MESSAGE_PER_HOUR_GLOBAL an hour, visitors get
 * a 429 until the window ends. With REDIS_URL every instance counts in one (redis/quotas.ts).
 */
import { type Budget, createBudget } from '../budgets.ts'
import { ApiError } from '../errors.ts'

/** The 429 of a spent budget, with the seconds until its window ends. */
export function leftMessagesRefused(retryAfter: number): ApiError {
  return Object.assign(
    new ApiError(
      'RATE_LIMITED',
      `So many messages are being left right now that we cannot take yours; retry in ${retryAfter} s`,
    ),
    { retryAfter },
  )
}

/** This process's budgets: per minute, then per hour. */
export function createLeftMessageBudgets(
  perMinute: number,
  perHour: number,
  now: () => number = Date.now,
): Budget[] {
  return [
    createBudget(perMinute, 60_000, leftMessagesRefused, now),
    createBudget(perHour, 60 * 60_000, leftMessagesRefused, now),
  ]
}
