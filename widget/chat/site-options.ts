/**
 * The snippet attributes the loader hands over unparsed (ChatAttributes in
 * loader-chat-interface.ts): the pre-chat fields, the privacy-policy consent and a signed identity.
 * Bad values are reported (the caller warns once) and left out, as the loader does with its own.
 */
import type { SignedIdentity } from '../../protocol/schemas.ts'
import { defaultPrechat, type PrechatSettings, readPrechatFields } from '../conversation/prechat.ts'
import type { ChatAttributes } from '../loader-chat-interface.ts'

export type ChatSettings = {
  prechat: PrechatSettings
  identity?: SignedIdentity
  problems: string[]
}

function isWebUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

export function readChatAttributes(attributes: ChatAttributes): ChatSettings {
  const { prechat: spec, privacyUrl, consent, identity, identitySignature } = attributes
  const problems: string[] = []
  const prechat: PrechatSettings = { ...defaultPrechat }
  // Read by the pre-chat part, which offers the choice (conversation/choice.ts).
  if (attributes.departments || attributes.channels) prechat.choice = true
  if (spec !== undefined) {
    const read = readPrechatFields(spec)
    prechat.fields = read.fields
    problems.push(...read.problems.map((problem) => `data-prechat: ${problem}`))
  }
  if (privacyUrl !== undefined) {
    if (isWebUrl(privacyUrl.trim())) prechat.privacyUrl = privacyUrl.trim()
    else problems.push(`data-privacy-url="${privacyUrl}" (expected an https:// address)`)
  }
  if (consent !== undefined) {
    if (consent !== 'required') problems.push(`data-consent="${consent}" (expected "required")`)
    else if (!prechat.privacyUrl) problems.push('data-consent="required" needs data-privacy-url')
    else prechat.consentRequired = true
  }
  const settings: ChatSettings = { prechat, problems }
  if (identity !== undefined)
    settings.identity = {
      payload: identity.trim(),
      ...(identitySignature !== undefined && { signature: identitySignature.trim() }),
    }
  return settings
}
