/**
 * Secrets that rotate. Each signing secret has a current value, which signs, and during a rotation
 * the value it replaced (`*_PREVIOUS`), which still verifies what it signed until that expires:
 * rotating no longer logs every visitor out, so a secret can be rotated when it should be.
 *
 * Keys are derived from a secret with HKDF and a label per use, so one secret can sign two kinds of
 * token that never pass for each other. A key id names the key a token was signed with; it is an
 * HMAC of the key, so it tells nothing about the key but which one it is.
 */
import { createHmac, hkdfSync } from 'node:crypto'

/** A secret and, during a rotation, the one it replaced. */
export type RotatingSecret = { readonly current: string; readonly previous: string | null }

/** A plain string is a secret with no previous value. */
function rotating(secret: string | RotatingSecret): RotatingSecret {
  return typeof secret === 'string' ? { current: secret, previous: null } : secret
}

/** The values to verify with, the current one first. */
export function secretValues(secret: string | RotatingSecret): string[] {
  const { current, previous } = rotating(secret)
  return previous === null || previous === current ? [current] : [current, previous]
}

/** A 32-byte key for one use (`label`) of a secret: HKDF-SHA256, no salt. */
export function deriveKey(secret: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', label, 32))
}

/** 8 base64url characters naming `key`: the first 6 bytes of HMAC(key, "kid"). */
export function keyId(key: Buffer | string): string {
  return createHmac('sha256', key).update('kid').digest().subarray(0, 6).toString('base64url')
}
