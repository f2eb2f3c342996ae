/**
 * The visitor's details as both sides check them: the widget before starting (with a message by the
 * field), the proxy again (schemas.ts). Pure and dependency-free, so the chat chunk can carry it.
 */

/**
 * Control and format characters (Unicode Cc and Cf): bidi overrides and isolates, which show an
 * agent a name in another order than it was typed, zero-width and invisible tag characters, which
 * hide text, escapes a terminal or a log would act on. ZWNJ and ZWJ (U+200C, U+200D) are Cf too but
 * stay: they are part of the spelling of Persian and Indic names and of emoji, and move nothing.
 */
const hidden = /(?![\u200c\u200d])[\p{Cc}\p{Cf}]/gu
/** Line breaks, tabs and the line and paragraph separators: a name or a title is one line. */
const breaks = /[\t\n\v\f\r\u0085\u2028\u2029]+/g

/**
 * What the visitor typed in a field the agent reads as a customer's detail (a name, a phone), as it
 * may be shown: line breaks become spaces, other control and format characters are taken out.
 */
export function withoutControls(value: string): string {
  return value.replace(breaks, ' ').replace(hidden, '')
}

/** "000.000.000-00": the longest way a CPF is written. */
export const cpfLength = 14

/**
 * zod's own email pattern (`z.regexes.email`), copied so the widget does not pull zod in: the
 * widget then accepts exactly what the proxy's `z.email()` does.
 */
export const emailPattern =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value)
}

/** A CPF's 11 digits, written with or without its dots, dash and spaces; null when it is not one. */
export function cpfDigits(value: string): string | null {
  if (!/^[\d.\s-]+$/.test(value)) return null
  const digits = value.replace(/\D/g, '')
  return digits.length === 11 ? digits : null
}

/** The Receita Federal's rule: two check digits (mod 11), and no number of one repeated digit. */
export function isCpf(value: string): boolean {
  const digits = cpfDigits(value)
  if (!digits || /^(\d)\1{10}$/.test(digits)) return false
  const d = [...digits].map(Number)
  const check = (length: number) => {
    let sum = 0
    for (let i = 0; i < length; i++) sum += (d[i] ?? 0) * (length + 1 - i)
    return ((sum * 10) % 11) % 10
  }
  return check(9) === d[9] && check(10) === d[10]
}

/**
 * A Brazilian phone as digits with its area code (DDD), without the +55: 10 digits for a landline,
 * 11 for a mobile, whose number starts with 9. Null when it is not one.
 */
export function brazilianPhone(value: string): string | null {
  if (!/^\+?[\d\s().-]+$/.test(value)) return null
  let digits = value.replace(/\D/g, '')
  // The country code: written with a +, or recognisable by the length (no DDD starts with 0 and no
  // number has 12 or 13 digits without it).
  if (value.trim().startsWith('+') || digits.length > 11) {
    if (!digits.startsWith('55')) return null
    digits = digits.slice(2)
  }
  // DDDs run from 11 to 99 and none has a 0 in it.
  if (!/^[1-9]{2}\d{8,9}$/.test(digits)) return null
  return digits.length === 10 || digits[2] === '9' ? digits : null
}
