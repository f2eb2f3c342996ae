/**
 * A visitor's browser as a reverse proxy sees it: calls and event streams over TLS, HTTP/1.1
 * (node:https, a keep-alive pool of 6 like a browser's) or HTTP/2 (node:http2, one connection), from
 * a loopback address of its own (every 127.x.y.z is a distinct client), to the sample's name
 * (chat.example.com, as SNI and Host) at 127.0.0.1. The test's certificate is self-signed: not
 * verified.
 */
import http2 from 'node:http2'
import https from 'node:https'
import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { createSseParser } from '../../protocol/sse.ts'
import { serverName } from './reverse-proxies.ts'

export type Protocol = 'h1' | 'h2'

export type Answer = { status: number; headers: Record<string, unknown>; body: Buffer }

export type CallOptions = { headers?: Record<string, string>; body?: Buffer | string }

/** One frame with an id, as the widget resumes from: the SSE id and the JSON data. */
export type Frame = { id: number; data: unknown; at: number }

export type EventStream = {
  /** Frames with an id received, in order. */
  frames: Frame[]
  /** The last `retry:` the server sent (a draining proxy sends one), else null. */
  retryMs: number | null
  /** Settles when the server ends the stream, or it fails. */
  ended: Promise<void>
  isOpen(): boolean
  /** Resolves once `until` holds, or rejects after `timeoutMs` or when the stream ends first. */
  waitFor(until: (frames: Frame[]) => boolean, timeoutMs?: number): Promise<Frame[]>
  close(): void
}

export type Client = {
  protocol: Protocol
  call(method: string, path: string, options?: CallOptions): Promise<Answer>
  /** Opens an event stream; resolves once it answered 200, rejects with the status otherwise. */
  stream(path: string, headers: Record<string, string>): Promise<EventStream>
  close(): void
}

/** A stream refused: its status, body and Retry-After, as the widget would read them. */
export class StatusError extends Error {
  readonly status: number
  readonly body: string
  readonly retryAfterMs: number | null
  constructor(status: number, body: string, headers: Record<string, unknown>) {
    super(`answered ${status}: ${body.slice(0, 200)}`)
    this.status = status
    this.body = body
    const retryAfter = headers['retry-after']
    this.retryAfterMs =
      typeof retryAfter === 'string' && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null
  }
}

/** A stream's frames from text chunks, with the waiters the tests and the soak use. */
function eventStream(abort: () => void) {
  const frames: Frame[] = []
  let open = true
  const waiters = new Set<() => void>()
  const changed = () => {
    for (const waiter of [...waiters]) waiter()
  }
  let finish = () => {}
  const ended = new Promise<void>((resolve) => {
    finish = () => {
      if (!open) return
      open = false
      resolve()
      changed()
    }
  })
  const stream: EventStream = {
    frames,
    retryMs: null,
    ended,
    isOpen: () => open,
    waitFor(until, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`timed out waiting for frames; got ${JSON.stringify(frames)}`))
        }, timeoutMs)
        const check = () => {
          if (until(frames)) {
            done()
            resolve(frames)
          } else if (!open) {
            done()
            reject(new Error(`the stream ended first; got ${JSON.stringify(frames)}`))
          }
        }
        waiters.add(check)
        check()
      })
    },
    close() {
      abort()
      finish()
    },
  }
  const parser = createSseParser(
    (message) => {
      if (message.id === undefined || message.event !== 'message') return
      frames.push({ id: Number(message.id), data: JSON.parse(message.data), at: performance.now() })
      changed()
    },
    {
      onRetry: (ms) => {
        stream.retryMs = ms
      },
    },
  )
  const decoder = new TextDecoder()
  return {
    stream,
    push: (chunk: Buffer) => parser.push(decoder.decode(chunk, { stream: true })),
    finish,
  }
}

/** A body's length declared, as a browser's fetch does (the proxy refuses an oversized upload from it). */
const withLength = (headers: Record<string, string>, body: Buffer | string | undefined) =>
  body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }

function collect(
  source: NodeJS.ReadableStream,
  resolve: (body: Buffer) => void,
  reject: (error: Error) => void,
) {
  const chunks: Buffer[] = []
  source.on('data', (chunk: Buffer) => chunks.push(chunk))
  source.on('end', () => resolve(Buffer.concat(chunks)))
  source.on('error', reject)
}

/** HTTP/1.1 over TLS, as a browser: up to 6 keep-alive connections. */
export function h1Client(port: number, localAddress = '127.0.0.1'): Client {
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 6,
    localAddress,
    servername: serverName,
    rejectUnauthorized: false,
  })
  const base = {
    host: '127.0.0.1',
    port,
    agent,
    servername: serverName,
    rejectUnauthorized: false,
  }
  const host = `${serverName}:${port}`
  return {
    protocol: 'h1',
    call(method, path, { headers = {}, body } = {}) {
      return new Promise((resolve, reject) => {
        const request = https.request(
          { ...base, method, path, headers: { host, ...withLength(headers, body) } },
          (response) =>
            collect(
              response,
              (data) =>
                resolve({
                  status: response.statusCode ?? 0,
                  headers: response.headers,
                  body: data,
                }),
              reject,
            ),
        )
        request.once('error', reject)
        request.end(body)
      })
    },
    stream(path, headers) {
      return new Promise((resolve, reject) => {
        // Its own connection, as a browser's EventSource holds one for as long as it is open.
        const request = https.request({
          ...base,
          agent: false,
          localAddress,
          path,
          headers: { host, ...headers },
        })
        const { stream, push, finish } = eventStream(() => request.destroy())
        request.once('response', (response) => {
          if (response.statusCode !== 200) {
            collect(
              response,
              (data) =>
                reject(new StatusError(response.statusCode ?? 0, String(data), response.headers)),
              reject,
            )
            return
          }
          response.on('data', push)
          response.once('end', finish)
          response.once('error', finish)
          response.once('close', finish)
          resolve(stream)
        })
        request.once('error', (error) => {
          finish()
          reject(error)
        })
        request.end()
      })
    },
    close: () => agent.destroy(),
  }
}

/**
 * HTTP/2 over TLS: one connection for every call and stream, as a browser's, and a new one once
 * the server closed it (nginx closes an idle one after keepalive_timeout, a stopped one at once).
 */
export function h2Client(port: number, localAddress = '127.0.0.1'): Client {
  const connect = () => {
    const session = http2.connect(`https://${serverName}:${port}`, {
      createConnection: () =>
        tlsConnect({
          socket: netConnect({ host: '127.0.0.1', port, localAddress }),
          servername: serverName,
          ALPNProtocols: ['h2'],
          rejectUnauthorized: false,
        }),
    })
    // A failed session fails its requests; the error itself is theirs to report.
    session.on('error', () => {})
    // Told to go away: no new request on it, the next one opens another connection.
    session.on('goaway', () => {
      if (current === session) current = null
    })
    return session
  }
  let current: http2.ClientHttp2Session | null = null
  const live = () => {
    if (!current || current.closed || current.destroyed) current = connect()
    return current
  }
  const open = (method: string, path: string, headers: Record<string, string>) =>
    live().request({ ':method': method, ':path': path, ...headers })
  return {
    protocol: 'h2',
    call(method, path, { headers = {}, body } = {}) {
      return new Promise((resolve, reject) => {
        const request = open(method, path, withLength(headers, body))
        request.once('response', (answer) => {
          collect(
            request,
            (data) => resolve({ status: Number(answer[':status']), headers: answer, body: data }),
            reject,
          )
        })
        request.once('error', reject)
        request.end(body)
      })
    },
    stream(path, headers) {
      return new Promise((resolve, reject) => {
        const request = open('GET', path, headers)
        const { stream, push, finish } = eventStream(() =>
          request.close(http2.constants.NGHTTP2_CANCEL),
        )
        request.once('response', (answer) => {
          const status = Number(answer[':status'])
          if (status !== 200) {
            collect(
              request,
              (data) => reject(new StatusError(status, String(data), answer)),
              reject,
            )
            return
          }
          request.on('data', push)
          request.once('end', finish)
          request.once('close', finish)
          resolve(stream)
        })
        request.once('error', (error) => {
          finish()
          reject(error)
        })
        request.end()
      })
    },
    close: () => current?.destroy(),
  }
}

export const tlsClient = (protocol: Protocol, port: number, localAddress?: string) =>
  protocol === 'h1' ? h1Client(port, localAddress) : h2Client(port, localAddress)

/** A multipart/form-data body with one part named `file`, as the widget uploads. */
export async function uploadForm(bytes: Uint8Array, name: string, type: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name)
  const request = new Request('http://localhost/', { method: 'POST', body: form })
  return {
    body: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type')!,
  }
}
