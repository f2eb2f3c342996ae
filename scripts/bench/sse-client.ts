/**
 * Many idle SSE readers in one process: raw sockets (no EventSource), each from one of the loopback
 * addresses 127.0.0.x, so per-address limits see many clients as a real site would.
 */
import { type ClientRequest, request } from 'node:http'

export type Reader = {
  /** Every frame id received, across reconnects, in order. */
  ids: number[]
  lastId: number
  onFrame: ((id: number, at: number) => void) | null
  req: ClientRequest | null
}

export const clientAddress = (i: number) => `127.0.0.${2 + (i % 250)}`

/** Opens (or reopens, with Last-Event-ID) a reader's stream; resolves once the stream is open. */
export function connect(
  reader: Reader,
  url: string,
  headers: Record<string, string>,
  localAddress: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      agent: false,
      localAddress,
      headers: {
        ...headers,
        accept: 'text/event-stream',
        ...(reader.lastId > 0 && { 'last-event-id': String(reader.lastId) }),
      },
    })
    reader.req = req
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        reject(new Error(`stream answered ${res.statusCode}`))
        return
      }
      let buffer = ''
      let open = false
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        const at = performance.now()
        buffer += chunk
        let end = buffer.indexOf('\n\n')
        while (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          end = buffer.indexOf('\n\n')
          if (block.startsWith(':')) {
            if (!open) {
              open = true
              resolve()
            }
            continue
          }
          const match = /^id: (\d+)/m.exec(block)
          if (!match) continue
          const id = Number(match[1])
          reader.ids.push(id)
          reader.lastId = Math.max(reader.lastId, id)
          reader.onFrame?.(id, at)
        }
      })
      res.on('error', () => {})
    })
    req.on('error', (error) => reject(error))
    req.end()
  })
}

export function drop(reader: Reader) {
  reader.req?.destroy()
  reader.req = null
}

export const newReader = (): Reader => ({ ids: [], lastId: 0, onFrame: null, req: null })
