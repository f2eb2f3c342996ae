/**
 * The snippet attributes the loader hands over unparsed (ChatAttributes in
 * loader-chat-interface.ts): the pre-chat fields, the privacy-policy consent, a signed identity, the
 * theme, and the window's title, the start's department and how much of the page's address it sends.
 * Bad values are reported (the caller warns once) and left out, as the loader does with its own.
 */
import type { SignedIdentity } from '../../protocol/schemas.ts'
import { defaultPrechat, type PrechatSettings, readPrechatFields } from '../conversation/prechat.ts'
import type { ChatAttributes } from '../loader-chat-interface.ts'

/** `data-theme`: light by default, so a site that embeds the widget today sees no change. */
export type Theme = 'light' | 'dark' | 'auto'

/** `data-page-url`: how much of the page's address the agent sees: origin and path (default), all of it, or none. */
export type PageUrl = 'path' | 'full' | 'none'

export type ChatSettings = {
  prechat: PrechatSettings
  theme: Theme
  pageUrl: PageUrl
  /** `data-title`; the chat's language has its own default. */
  title?: string
  department?: number
  identity?: SignedIdentity
  problems: string[]
}

/** The one-value options: what each must look like, and what the warning says it expects. */
const checks = {
  theme: [/^(light|dark|auto)$/, '"auto", "light" or "dark"'],
  title: [/^.{1,100}$/s, 'at most 100 characters'],
  // 15 digits at most: always a safe integer.
  department: [/^[1-9]\d{0,14}$/, 'a positive whole number'],
  pageUrl: [/^(path|full|none)$/, '"path", "full" or "none"'],
} satisfies Partial<Record<keyof ChatAttributes, [RegExp, string]>>

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
  const settings: ChatSettings = { prechat, theme: 'light', pageUrl: 'path', problems }
  for (const [name, [pattern, expected]] of Object.entries(checks)) {
    const value = attributes[name as keyof typeof checks]?.trim()
    if (!value) continue
    if (!pattern.test(value))
      problems.push(
        `data-${name.replace('U', '-u')}="${attributes[name as keyof typeof checks]}" (expected ${expected})`,
      )
    else Object.assign(settings, { [name]: name === 'department' ? Number(value) : value })
  }
  if (identity !== undefined)
    settings.identity = {
      payload: identity.trim(),
      ...(identitySignature !== undefined && { signature: identitySignature.trim() }),
    }
  return settings
}
