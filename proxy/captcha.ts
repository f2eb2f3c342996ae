/**
 * An optional CAPTCHA check before what costs a person something (CAPTCHA_PROVIDER,
 * CAPTCHA_ACTIONS): a new conversation (an interaction an agent must handle) and a left message
 * (an email in the site's inbox). The site's page runs the provider's widget and hands its token to
 * the chat (`zchat('captcha', fn)`); the chat passes it along, and the proxy asks the provider
 * before going on. Without a good token nothing reaches zChat or the site.
 *
 * Cloudflare Turnstile, hCaptcha and Google reCAPTCHA take the same siteverify form (`secret`,
 * `response`, `remoteip`) and answer `{"success": true|false, "hostname": ...}`, so one verifier
 * serves them all; CAPTCHA_VERIFY_URL points it at any other that does the same.
 */
import { ApiError } from './errors.ts'

export type CaptchaProvider = 'turnstile' | 'hcaptcha' | 'recaptcha'

export const captchaVerifyUrls: Record<CaptchaProvider, string> = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
  recaptcha: 'https://www.google.com/recaptcha/api/siteverify',
}

/** What may need a token: starting a conversation, leaving a message. */
export const captchaActions = ['start', 'leave-message'] as const
export type CaptchaAction = (typeof captchaActions)[number]

export type CaptchaSettings = {
  provider: CaptchaProvider
  secret: string
  verifyUrl: string
  /** What needs a token; both when unset. */
  actions?: readonly CaptchaAction[]
}

export type VerifyCaptcha = (token: string | undefined, remoteIp: string) => Promise<void>

/**
 * reCAPTCHA v3 passes every well-formed token and says how human it looked (0 to 1); below Google's
 * suggested 0.5 it counts as refused. (hCaptcha's enterprise score runs the other way: it is not read.)
 */
const minRecaptchaScore = 0.5

const refused = (message: string) =>
  // `captcha` names the field, so the widget can tell this 403 from a site that may not use the chat.
  new ApiError('FORBIDDEN', message, [{ path: 'captcha', message }])

/**
 * The check for `action`: a no-op when there is no CAPTCHA or it does not cover the action. A
 * missing or refused token is a 403, and so is one solved on a page of another site: the provider's
 * `hostname` must be one of `allowedHosts` (the hosts of ALLOWED_ORIGINS; any with `*`), or a token
 * farmed on an attacker's page, under the same site key, would pass. A provider that cannot be asked
 * is a 502: the call fails closed.
 */
export function createCaptchaVerifier(
  settings: CaptchaSettings | null,
  action: CaptchaAction,
  allowedHosts: '*' | readonly string[],
  timeoutMs = 5000,
): VerifyCaptcha {
  if (!settings || !(settings.actions ?? captchaActions).includes(action)) return async () => {}
  const hosts = allowedHosts === '*' ? null : new Set(allowedHosts.map((h) => h.toLowerCase()))
  return async (token, remoteIp) => {
    if (!token) throw refused('Please complete the verification, then try again')
    let answer: unknown
    try {
      const response = await fetch(settings.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ secret: settings.secret, response: token, remoteip: remoteIp }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      answer = response.ok ? await response.json() : null
    } catch {
      answer = null
    }
    if (typeof answer !== 'object' || answer === null)
      throw new ApiError('UPSTREAM_ERROR', 'The verification service could not be asked; try again')
    if (Reflect.get(answer, 'success') !== true)
      throw refused('The verification failed; please try again')
    const hostname: unknown = Reflect.get(answer, 'hostname')
    if (hosts && (typeof hostname !== 'string' || !hosts.has(hostname.toLowerCase())))
      throw refused('The verification was solved for another site; please try again')
    const score: unknown = Reflect.get(answer, 'score')
    if (settings.provider === 'recaptcha' && typeof score === 'number' && score < minRecaptchaScore)
      throw refused('The verification failed; please try again')
  }
}

/** The hosts a token may have been solved on: those of ALLOWED_ORIGINS (`*`: any). */
export function hostsOf(origins: '*' | readonly string[]): '*' | string[] {
  return origins === '*' ? '*' : origins.map((origin) => new URL(origin).hostname)
}
