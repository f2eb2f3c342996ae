/**
 * helmet's security headers for what browsers call, worked out once at start-up instead of on every
 * request. Our helmet options (no CSP: the proxy answers JSON, scripts and media; a cross-origin
 * resource policy, since other sites embed the widget) make every header a constant, so running
 * helmet's dozen middlewares per request (what @fastify/helmet does) only cost time on each visitor
 * call. helmet itself still decides the names and values: a new helmet release changes them here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import helmet, { type HelmetOptions } from 'helmet'

export const helmetOptions: Readonly<HelmetOptions> = {
  contentSecurityPolicy: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
}

/** The headers helmet sets with these options, lower-cased; what it removes is left out. */
export function securityHeaders(options: Readonly<HelmetOptions> = helmetOptions) {
  const headers: Record<string, string> = {}
  const collect = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()]
    },
  }
  let error: unknown
  let done = false
  helmet({ ...options })(
    {} as IncomingMessage,
    collect as unknown as ServerResponse,
    (e?: unknown) => {
      error = e
      done = true
    },
  )
  // helmet's middleware answers synchronously; anything else would mean per-request work after all.
  if (!done || error) throw new Error(`helmet did not give constant headers: ${String(error)}`)
  return Object.freeze(headers)
}
