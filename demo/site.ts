/**
 * The demo website: serves index.html on its own origin, as a site owner's page would be, with the
 * snippet's proxy URL rewritten to wherever the proxy really listens. Every path shows the page, a
 * Brazilian shop in Portuguese, and the query tries snippet options: `/?color=%237dd3fc&extra={"plan":"gold"}`
 * adds `data-color` and `data-extra` to the snippet, as a site owner would write them; `page-lang=en`
 * (or `es`) renders the page itself in English (or Spanish), its `<html lang>` with it, which the
 * widget follows (the page's language links do just this); and `init={"lang":"pt-BR"}` configures it from script.
 * `/strict-csp` is the same shop under a strict Content-Security-Policy (strict-csp/): no inline
 * script or style, the stub and widget.js from the proxy.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname } from 'node:path'
import { type createLeftMessagesInbox, leftMessagesPath } from './left-messages.ts'
import { linkLanguages, shopLanguage, translateShop } from './page-language.ts'

export type DemoSite = { url: string; close(): Promise<void> }

/** The origin written in index.html's snippet. */
const snippetOrigin = 'http://localhost:8787'

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** Query parameters that change the page itself rather than the snippet (see withPage). */
const pageParameters = new Set(['page-lang', 'foreign-global', 'init'])

/** Query parameters named like snippet options become `data-*` attributes of the widget's script tag. */
export function withOptions(html: string, query: URLSearchParams): string {
  const attributes = [...query]
    .filter(([name]) => /^[a-z]+(-[a-z]+)*$/.test(name) && !pageParameters.has(name))
    .map(([name, value]) => ` data-${name}="${escapeAttribute(value)}"`)
    .join('')
  return attributes ? html.replace(/(<script src="[^"]*\/widget\.js")/, `$1${attributes}`) : html
}

/** Another script's `window.zchat`, defined before the snippet, as a page with two chat tools has. */
const foreignGlobal = "<script>window.zchat=function(){return 'theirs'}</script>"

/**
 * `page-lang=en` makes the page itself speak another language: its words (page-language.ts) and its
 * `<html lang="en">`; any other tag (`und`) is only written in `<html lang>`. `foreign-global=1`
 * gives it another script's `window.zchat` before the snippet.
 */
export function withPage(html: string, query: URLSearchParams): string {
  const given = query.get('page-lang')
  const lang = given && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(given) ? given : null
  const language = shopLanguage(lang)
  let page = linkLanguages(translateShop(html, language), language, query)
  if (lang) page = page.replace(/<html lang="[^"]*"/, `<html lang="${lang}"`)
  if (query.get('foreign-global') === '1')
    page = page.replace('<script>', `${foreignGlobal}<script>`)
  const init = query.get('init')
  if (init !== null) page = withInit(page, init)
  return page
}

/**
 * `init={"lang":"pt-BR"}`: the snippet's tag loses its data-* attributes and the page calls
 * `zchat('init', {...})` right after the stub, as a site that configures the widget from script.
 */
function withInit(html: string, json: string): string {
  let options: unknown
  try {
    options = JSON.parse(json)
  } catch {
    return html
  }
  // `<` escaped: the options cannot close the script element.
  const call = `<script>zchat('init', ${JSON.stringify(options).replace(/</g, '\\u003c')})</script>`
  return html
    .replace(/(<script src="[^"]*\/widget\.js")[^>]*?( async>)/, '$1$2')
    .replace(/(<script src="[^"]*\/widget\.js")/, `${call}\n    $1`)
}

const strictDir = new URL('./strict-csp/', import.meta.url)
export const strictCspPath = '/strict-csp'
const strictTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/**
 * The policy docs/embedding.md ("Strict Content-Security-Policy") gives sites: scripts only from the site and the proxy, styles only from the
 * site (the widget's are constructable stylesheets), calls to the proxy, and pictures and recordings
 * from the site, the proxy (visitors' files) and blob: (a picture's preview before it is sent).
 */
export function strictCsp(proxy: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${proxy}`,
    "style-src 'self'",
    `connect-src 'self' ${proxy}`,
    `img-src 'self' ${proxy} blob:`,
    `media-src 'self' ${proxy} blob:`,
  ].join('; ')
}

export async function startDemoSite({
  htmlPath,
  proxyUrl,
  port,
  host,
  inbox,
}: {
  htmlPath: string
  proxyUrl: () => string
  port: number
  host: string
  /** Where the proxy delivers left messages, and the page that lists them. */
  inbox?: ReturnType<typeof createLeftMessagesInbox>
}): Promise<DemoSite> {
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    if (path === '/favicon.ico') {
      response.writeHead(204).end()
      return
    }
    if (inbox && path === leftMessagesPath) {
      await inbox.handle(request, response)
      return
    }
    if (request.method !== 'GET') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    const strictFile = path.startsWith(`${strictCspPath}/`) && path.slice(strictCspPath.length + 1)
    if (strictFile) {
      const type = strictTypes[extname(strictFile)]
      const body = /^[\w-]+\.\w+$/.test(strictFile) && type
      if (!body) response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      else
        await readFile(new URL(strictFile, strictDir)).then(
          (file) => response.writeHead(200, { 'content-type': type }).end(file),
          () => response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found'),
        )
      return
    }
    try {
      const query = new URL(request.url ?? '/', 'http://x').searchParams
      const strict = path === strictCspPath
      const file = strict ? new URL('index.html', strictDir) : htmlPath
      const page = (await readFile(file, 'utf8')).replaceAll(snippetOrigin, proxyUrl())
      const html = withOptions(withPage(page, query), query)
      response
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-cache',
          ...(strict && { 'content-security-policy': strictCsp(proxyUrl()) }),
        })
        .end(html)
    } catch {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('index.html is missing')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const { port: actual } = server.address() as AddressInfo
  return {
    url: `http://localhost:${actual}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
