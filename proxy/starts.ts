/**
 * Guards on new conversations beyond the per-address rate limit. Each start is a real zChat
 * interaction an agent must handle, so a crowd of addresses must not flood the queue:
 * - a budget for the whole process per minute (STARTS_PER_MINUTE_GLOBAL), or for every instance
 *   together when they share a Redis;
 * - an optional CAPTCHA check (Cloudflare Turnstile or hCaptcha): the site's page gets a token from
 *   the provider's widget, the chat passes it at start, and the proxy asks the provider before
 *   calling zChat. Without a good token nothing reaches zChat.
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

export type CaptchaProvider = 'turnstile' | 'hcaptcha'

export const captchaVerifyUrls: Record<CaptchaProvider, string> = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
}

export type CaptchaSettings = { provider: CaptchaProvider; secret: string; verifyUrl: string }

export type VerifyCaptcha = (token: string | undefined, remoteIp: string) => Promise<void>

/**
 * Both providers take the same form (`secret`, `response`, `remoteip`) and answer
 * `{"success": true|false, ...}`. A missing or refused token is a 403; a provider that cannot be
 * asked is a 502 (the start fails closed: no check, no interaction).
 */
export function createCaptchaVerifier(
  settings: CaptchaSettings | null,
  timeoutMs = 5000,
): VerifyCaptcha {
  if (!settings) return async () => {}
  return async (token, remoteIp) => {
    if (!token) throw new ApiError('FORBIDDEN', 'Please complete the verification to start a chat')
    let answer: unknown
    try {
      const response = await fetch(settings.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          secret: settings.secret,
          response: token,
          remoteip: remoteIp,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      answer = response.ok ? await response.json() : null
    } catch {
      answer = null
    }
    if (typeof answer !== 'object' || answer === null)
      throw new ApiError('UPSTREAM_ERROR', 'The verification service could not be asked; try again')
    if (Reflect.get(answer, 'success') !== true)
      throw new ApiError('FORBIDDEN', 'The verification failed; please try again')
  }
}
