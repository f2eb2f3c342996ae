/** What a media link is called in the log (ui/MessageMedia.tsx, with the stream's part). */

/**
 * A media link's text: the last segment of its path, decoded, or the host when the path has none.
 * Agents' URLs can carry broken percent-encoding (`report%.pdf`), on which `decodeURIComponent`
 * throws; rendering must not, since the stream replays the same message after every reload.
 */
export function deriveFileName(href: string): string {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return href
  }
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1)
  try {
    return decodeURIComponent(name) || url.host
  } catch {
    return name
  }
}
