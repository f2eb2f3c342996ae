/**
 * The `Range` header of a media request (RFC 9110 §14), for players that seek in audio and video.
 * One range only: a server may answer several with the whole file, and players ask for one.
 */

/** Both ends included, as Content-Range writes them. */
export type ByteRange = { start: number; end: number }

/**
 * The bytes to send of a file of `size` bytes: a range, `'unsatisfiable'` (416), or null to send
 * the whole file (no header, several ranges, or one the RFC says to ignore).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/i.exec(header.replace(/\s+/g, ''))
  if (!match) return null
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return null
  if (first === '') {
    // The last N bytes.
    const length = Number(last)
    if (length === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - length), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
}
