/**
 * The check's own server on HOST:PORT, where PUBLIC_URL leads in the proxy's place, at the
 * proxy's paths (so the same reverse-proxy rules reach it): the webhook at
 * /webhooks/zchat/{secret} (proxy/routes/webhook.ts), the sample files at /media/{id}/{name}
 * (proxy/routes/media.ts) and the external history at /v1/history/{ticket}
 * (proxy/routes/history.ts). It records everything that arrives, and lets the check wait for it.
 */
import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SampleFile } from './media.ts'

/** A call on the webhook path with the right secret, whatever its method and body. */
export type WebhookCall = {
  at: number
  method: string
  contentType: string | null
  userAgent: string | null
  text: string
  /** Past the proxy's default WEBHOOK_BODY_LIMIT_BYTES: the proxy would answer 413. */
  tooLarge: boolean
}

/** A GET (or HEAD) of the history or a sample file. */
export type FileFetch = {
  at: number
  what: 'history' | SampleFile['kind']
  method: string
  userAgent: string | null
}

export type Served = {
  /** Under /v1/history/: unguessable, as the proxy's tickets are. */
  historyTicket: string
  /** The history document, built when asked for (it carries the time it was served). */
  history: () => unknown
  /** Under /media/{mediaId}/{name}. */
  mediaId: string
  files: SampleFile[]
}

export type CheckServer = {
  /** http://host:port as bound (with PORT=0, the port picked). */
  url: string
  webhookCalls: WebhookCall[]
  /** Calls on /webhooks/zchat/ with another secret: zChat's admin may hold an old URL. */
  wrongSecretCalls: () => number
  fetches: FileFetch[]
  /** Requests for anything else (method and path), at most 20 kept. */
  otherRequests: string[]
  /** Resolves true when `check` holds (now or after something arrives), false at `deadline`. */
  waitFor(check: () => boolean, deadline: number): Promise<boolean>
  close(): Promise<void>
}

/** The proxy's default WEBHOOK_BODY_LIMIT_BYTES (proxy/env.ts). */
const webhookBodyLimit = 64 * 1024
const webhookPrefix = '/webhooks/zchat/'

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

async function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const bytes = chunk as Buffer
    size += bytes.length
    if (size <= webhookBodyLimit) chunks.push(bytes)
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > webhookBodyLimit }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    })
    .end(text)
}

export type ServerOptions = { host: string; port: number; secret: string; served: Served }

/** Listens, or rejects with the listen error (EADDRINUSE: the proxy may still be running). */
export async function startCheckServer({
  host,
  port,
  secret,
  served,
}: ServerOptions): Promise<CheckServer> {
  const webhookCalls: WebhookCall[] = []
  const fetches: FileFetch[] = []
  const otherRequests: string[] = []
  let wrongSecret = 0
  const waiters = new Set<() => void>()
  const changed = () => {
    for (const wake of [...waiters]) wake()
  }
  const historyPath = `/v1/history/${served.historyTicket}`
  const files = new Map<string, SampleFile>(
    served.files.map((file) => [`/media/${served.mediaId}/${file.name}`, file]),
  )

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET'
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const userAgent = req.headers['user-agent'] ?? null
    if (path.startsWith(webhookPrefix)) {
      const { text, tooLarge } = await readBody(req)
      if (!sameSecret(decoded(path.slice(webhookPrefix.length)), secret)) {
        wrongSecret += 1
        changed()
        return json(res, 404, { code: 'NOT_FOUND', message: 'Not found' })
      }
      webhookCalls.push({
        at: performance.now(),
        method,
        contentType: req.headers['content-type'] ?? null,
        userAgent,
        text,
        tooLarge,
      })
      changed()
      return json(res, 200, { received: true })
    }
    req.resume()
    const file = files.get(path)
    const isRead = method === 'GET' || method === 'HEAD'
    if (isRead && (path === historyPath || file)) {
      fetches.push({ at: performance.now(), what: file?.kind ?? 'history', method, userAgent })
      changed()
      const body = file ? file.bytes : Buffer.from(JSON.stringify(served.history()))
      res.writeHead(200, {
        'content-type': file ? file.type : 'application/json; charset=utf-8',
        'content-length': body.length,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...(file && {
          'content-disposition': `${file.kind === 'file' ? 'attachment' : 'inline'}; filename="${file.name}"`,
        }),
      })
      return res.end(method === 'HEAD' ? undefined : body)
    }
    if (otherRequests.length < 20) otherRequests.push(`${method} ${path.slice(0, 100)}`)
    return json(res, 404, { code: 'NOT_FOUND', message: 'Not found' })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 400, { code: 'BAD_REQUEST', message: 'Unreadable request' })
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { address, port: bound } = server.address() as AddressInfo
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${bound}`,
    webhookCalls,
    wrongSecretCalls: () => wrongSecret,
    fetches,
    otherRequests,
    waitFor(check, deadline) {
      if (check()) return Promise.resolve(true)
      return new Promise((resolve) => {
        const done = (result: boolean) => {
          clearTimeout(timer)
          waiters.delete(wake)
          resolve(result)
        }
        const wake = () => {
          if (check()) done(true)
        }
        const timer = setTimeout(() => done(check()), Math.max(0, deadline - performance.now()))
        waiters.add(wake)
      })
    },
    async close() {
      for (const wake of [...waiters]) wake()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
