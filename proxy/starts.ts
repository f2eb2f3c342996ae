/**
 * Guards on new conversations beyond the per-address rate limit. Each start is a real zChat
 * interaction an agent must handle, so a crowd of addresses must not flood the queue:
 * - a budget for the whole process per minute (STARTS_PER_MINUTE_GLOBAL), or for every instance
 *   together when they share a Redis;
 * - an optional CAPTCHA check (captcha.ts), asked before zChat is called.
 */
import { type Budget, createBudget } from './budgets.ts'
import { ApiError } from './errors.ts'

/** This process's budget (createStartBudget), or every instance's on Redis (redis/quotas.ts). */
export type StartBudget = Budget

/** The 429 of a spent budget, with the seconds until the window ends. */
export function startsRefused(retryAfter: number): ApiError {
  return Object.assign(
    new ApiError(
      'RATE_LIMITED',
      `So many chats are starting right now that we cannot take yours; retry in ${retryAfter} s`,
    ),
    { retryAfter },
  )
}

/** A fixed window per minute: past `perMinute` starts, 429 with the seconds until the next one. */
export function createStartBudget(perMinute: number, now: () => number = Date.now): StartBudget {
  return createBudget(perMinute, 60_000, startsRefused, now)
}
