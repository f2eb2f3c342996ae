/**
 * A zChat that answers at once: the ClientApi V1 bodies the proxy reads, and nothing else. The
 * emulator checks and records every call, which would make the upstream the bottleneck.
 */
import { createServer, type Server } from 'node:http'

export type FakeZChat = { url: string; server: Server; close(): Promise<void> }

export function startFakeZChat(): Promise<FakeZChat> {
  let next = 0
  const server = createServer((req, res) => {
    // The body is read whole (as zChat would) before the answer.
    req.resume()
    req.on('end', () => {
      const isStart = req.method === 'POST' && req.url === '/interactions'
      const body = isStart
        ? { message: 'ok', data: { interaction_hash: `bench-${process.pid}-${++next}` } }
        : { message: 'ok', status: 200 }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    })
  })
  server.keepAliveTimeout = 72_000
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = address && typeof address === 'object' ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () => new Promise((done) => server.close(() => done())),
      })
    }),
  )
}
