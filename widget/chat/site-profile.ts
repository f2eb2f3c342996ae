/**
 * What the page said about the visitor through `zchat('identify', ...)`, read in the chat: the loader
 * keeps the calls as they came, so every page view does not pay for checking them.
 */
import { cpfLength } from '../../protocol/checks.ts'
import { emailLength, nameLength, phoneLength } from '../../protocol/wire.ts'
import type { SiteProfile } from '../loader-chat-interface.ts'

/**
 * Accepts only string name/email/phone/cpf, trimmed and bounded like the proxy's schema, and an
 * `identity` of string `payload` and `signature` (the proxy checks the rest), or a function that
 * gets one (asked in chat/identity.ts).
 */
export function readProfile(value: unknown): SiteProfile {
  const profile: SiteProfile = {}
  if (typeof value !== 'object' || value === null) return profile
  const fields = value as Record<string, unknown>
  const pick = (key: 'name' | 'email' | 'phone' | 'cpf', max: number) => {
    const v = fields[key]
    if (typeof v === 'string' && v.trim() && v.trim().length <= max) profile[key] = v.trim()
  }
  pick('name', nameLength)
  pick('email', emailLength)
  pick('phone', phoneLength)
  pick('cpf', cpfLength)
  const identity = fields.identity
  if (typeof identity === 'function') {
    profile.identity = identity as () => unknown
    return profile
  }
  // Unsigned goes on too: the proxy refuses it with a reason the site can read.
  const { payload, signature } = (identity ?? {}) as Record<string, unknown>
  if (typeof payload === 'string')
    profile.identity = typeof signature === 'string' ? { payload, signature } : { payload }
  return profile
}

/** Every call's profile, later calls winning key by key. */
export function mergeProfiles(calls: readonly unknown[]): SiteProfile {
  return Object.assign({}, ...calls.map(readProfile))
}
