/**
 * The demo website's inbox for left messages, as a site owner would build one: `POST /left-messages`
 * checks the proxy's signature and keeps the message (the demo's LEAVE_MESSAGE_URL points here);
 * `GET /left-messages` lists what arrived, newest first. In memory: gone when the demo stops.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { signatureHeader, verifySignature } from '../proxy/messages-left/signature.ts'

export const leftMessagesPath = '/left-messages'

type Kept = {
  id: string
  receivedAt: string
  email: string
  name?: string
  text: string
  page?: { url: string; title?: string }
}

const maxBody = 64 * 1024
const maxKept = 200

const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

async function readBody(request: IncomingMessage): Promise<string | null> {
  let body = ''
  for await (const chunk of request) {
    body += String(chunk)
    if (body.length > maxBody) return null
  }
  return body
}

function render(kept: Kept[]): string {
  const items = kept
    .map(
      (
        m,
      ) => `<li><p><strong>${escapeHtml(m.name ?? 'Someone')}</strong> &lt;<a href="mailto:${escapeHtml(m.email)}">${escapeHtml(m.email)}</a>&gt;
 at ${escapeHtml(new Date(m.receivedAt).toLocaleString('en-GB'))}${m.page ? ` from <a href="${escapeHtml(m.page.url)}">${escapeHtml(m.page.title ?? m.page.url)}</a>` : ''}</p>
<blockquote>${escapeHtml(m.text)}</blockquote></li>`,
    )
    .join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Left messages</title>
<meta http-equiv="refresh" content="5"><style>body{font:16px system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
li{margin:0 0 1.5rem}blockquote{white-space:pre-wrap;margin:.3rem 0 0;padding:.5rem .8rem;background:#f3f4f6;border-radius:6px}</style></head>
<body><h1>Left messages</h1><p>What visitors left when no agent could chat, as the proxy delivered it to this
site (signed; see docs/http-api.md, "Left messages"). This page reloads every 5 seconds.</p>
${kept.length ? `<ul>${items}</ul>` : '<p><em>None yet.</em> In the agent console, answer a chat with <strong>Unavailable</strong>, then leave a message in the widget.</p>'}
</body></html>`
}

export function createLeftMessagesInbox(secret: string) {
  const kept: Kept[] = []
  return {
    secret,
    kept,
    async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
      if (request.method === 'GET') {
        response
          .writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-cache',
          })
          .end(render(kept))
        return
      }
      if (request.method !== 'POST') {
        response.writeHead(405, { allow: 'GET, POST' }).end()
        return
      }
      const body = await readBody(request)
      if (body === null) {
        response.writeHead(413).end()
        return
      }
      const header = request.headers[signatureHeader]
      if (!verifySignature(secret, typeof header === 'string' ? header : undefined, body)) {
        response.writeHead(401).end()
        return
      }
      let message: Kept
      try {
        message = JSON.parse(body) as Kept
      } catch {
        response.writeHead(400).end()
        return
      }
      // A retried delivery carries the same id: keep it once.
      if (!kept.some((m) => m.id === message.id)) kept.unshift(message)
      kept.length = Math.min(kept.length, maxKept)
      response.writeHead(204).end()
    },
  }
}
