/**
 * A visitor's file name, made safe to store, to put in a URL and to show: no path, no control or
 * invisible characters (a right-to-left override turns `gpj.exe` into `exe.jpg` on screen), no
 * characters Windows refuses, a bounded length, and an extension that matches what the file is.
 */

/** Characters, not bytes; long enough for any real name, short enough for a URL and a header. */
export const maxFileNameLength = 120

const fallbackName = 'file'

/** Splits off the extension; a leading dot is not one (`.bashrc` has none). */
function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? { stem: name.slice(0, dot), ext: name.slice(dot + 1) } : { stem: name, ext: '' }
}

/**
 * The name to keep for an upload of a type whose extensions are `extensions` (the first is the
 * usual one). A wrong or missing extension gets the right one added (`notes.html` sniffed as text
 * becomes `notes.html.txt`), so a download never opens in a program meant for another type.
 */
export function cleanFileName(raw: string | undefined, extensions: readonly string[]): string {
  let name = (raw ?? '').normalize('NFC')
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
  name = name
    // Control and format characters: C0/C1, DEL, bidi overrides, zero-width ones.
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    // A leading dot hides a file; trailing dots and spaces vanish on Windows.
    .replace(/^[.\s]+|[.\s]+$/g, '')
  let { stem, ext } = splitExtension(name || fallbackName)
  if (extensions.length > 0 && !extensions.includes(ext.toLowerCase())) {
    stem = ext ? `${stem}.${ext}` : stem
    ext = extensions[0]!
  }
  const tail = ext ? `.${ext}` : ''
  const room = Math.max(1, maxFileNameLength - Array.from(tail).length)
  const shortStem = Array.from(stem).slice(0, room).join('').trim() || fallbackName
  return `${shortStem}${tail}`
}

/** RFC 8187 value characters: encodeURIComponent leaves a few that the header grammar does not allow. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/**
 * `Content-Disposition` with the name twice: `filename*` (UTF-8, RFC 6266) for every current
 * browser, and a plain ASCII `filename` for the rest.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`
}
