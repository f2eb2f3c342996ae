/** The visitor's optional details, cleaned to what the proxy's schema accepts. */
import type { VisitorProfile } from '../../proxy/protocol/schemas.ts'
import { limits } from '../../proxy/protocol/wire.ts'

/** Deliberately loose: the proxy has the final word; this only catches typos before starting. */
export function isEmail(value: string): boolean {
  return value.length <= limits.emailLength && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
}

/** Trimmed and bounded, empty fields dropped; undefined when nothing is left. */
export function cleanProfile(profile: VisitorProfile): VisitorProfile | undefined {
  const clean: VisitorProfile = {}
  const name = profile.name?.trim().slice(0, limits.nameLength)
  const email = profile.email?.trim()
  const phone = profile.phone?.trim().slice(0, limits.phoneLength)
  if (name) clean.name = name
  if (email && isEmail(email)) clean.email = email
  if (phone) clean.phone = phone
  return Object.keys(clean).length > 0 ? clean : undefined
}
