/**
 * The signed identity the page gives (docs/identity.md), read in the chat: the details it carries
 * fill the pre-chat form, its customer tells whose conversation the browser holds (the stored
 * session's `owner`), and a function the page gave is asked for a fresh identity when one is
 * needed. The signature is the proxy's to check.
 */
import type { SignedIdentity, VisitorProfile } from '../../protocol/schemas.ts'
import { warn } from '../warn.ts'
import { readProfile } from './site-profile.ts'

/**
 * FNV-1a over the customer, 32 bits: enough to tell the few customers of one browser apart, without
 * keeping in it who they are. Not a secret: the proxy, not this, keeps one customer's history from
 * another's.
 */
function digest(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(36)
}

/**
 * What a signed identity says, read without checking the signature: the details (never the site's
 * keys) and its customer as a digest (its `customerKey`, else its details), or nothing of either
 * when the payload is not base64url JSON or names no one.
 */
export function readIdentity(identity: SignedIdentity | undefined): {
  details: VisitorProfile
  owner?: string
} {
  const details: VisitorProfile = {}
  let data: unknown
  try {
    const base64 = identity?.payload.replace(/-/g, '+').replace(/_/g, '/') ?? ''
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
    data = JSON.parse(new TextDecoder().decode(bytes))
  } catch {}
  if (typeof data !== 'object' || data === null) return { details }
  for (const key of ['name', 'email', 'phone', 'cpf'] as const) {
    const value = Reflect.get(data, key)
    if (typeof value === 'string' && value.trim()) details[key] = value.trim()
  }
  const key = Reflect.get(data, 'customerKey')
  const customer = typeof key === 'string' ? key : Object.keys(details).length > 0 && details
  return customer ? { details, owner: digest(JSON.stringify(customer)) } : { details }
}

/**
 * Asks the page's function for a signed identity (it may answer a promise). What is not a
 * `{payload, signature}` of strings is refused, as a failure of the page's, and the site's
 * developer is told.
 */
export async function askIdentity(get: () => unknown): Promise<SignedIdentity> {
  try {
    const identity = readProfile({ identity: await get() }).identity
    if (typeof identity !== 'object' || identity.signature === undefined)
      throw new TypeError('no {payload, signature}')
    return identity
  } catch (error) {
    warn("zchat('identify', {identity}) failed", error)
    throw error
  }
}
