/**
 * The page a visitor starts a conversation on, as the agent sees it (zChat's `widget_page_url`).
 * The widget sends it, so it is the visitor's word: an agent could open a `javascript:` URL, or a
 * look-alike site's, from the conversation. Only a web page of a site allowed to embed the chat
 * (ALLOWED_ORIGINS) is passed on, without any user name or password in it; anything else is
 * dropped and the conversation starts all the same: a visitor does not lose their chat over it.
 */

/** `page` with its URL kept only when it is an http(s) page on an allowed origin. */
export function pageOnSite(
  page: { url: string; title?: string | undefined },
  allowedOrigins: '*' | readonly string[],
): { url?: string; title?: string } {
  const url = siteUrl(page.url, allowedOrigins)
  return { ...(url && { url }), ...(page.title && { title: page.title }) }
}

function siteUrl(value: string, allowedOrigins: '*' | readonly string[]): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  if (allowedOrigins !== '*' && !allowedOrigins.includes(url.origin)) return undefined
  url.username = ''
  url.password = ''
  return url.href
}
