/** The visitor's details, cleaned to what the proxy's schema accepts. */
import { cpfLength, isCpf, isEmail } from '../../protocol/checks.ts'
import type { VisitorProfile } from '../../protocol/schemas.ts'
import { limits } from '../../protocol/wire.ts'

// The proxy's own rule, re-exported where the widget has always found it.
export { isEmail }

/**
 * Trimmed and bounded, empty fields dropped, and an email or CPF the proxy would refuse left out
 * (the form has already told the visitor); undefined when nothing is left.
 */
export function cleanProfile(profile: VisitorProfile): VisitorProfile | undefined {
  const clean: VisitorProfile = {}
  const name = profile.name?.trim().slice(0, limits.nameLength)
  const email = profile.email?.trim()
  const phone = profile.phone?.trim().slice(0, limits.phoneLength)
  const cpf = profile.cpf?.trim()
  if (name) clean.name = name
  if (email && isEmail(email)) clean.email = email
  if (phone) clean.phone = phone
  if (cpf && cpf.length <= cpfLength && isCpf(cpf)) clean.cpf = cpf
  return Object.keys(clean).length > 0 ? clean : undefined
}
