/**
 * GET /control/stream: Server-Sent Events with the whole interaction list after every change,
 * so the console (and anyone else watching) stays live without polling.
 */
import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Interactions } from './interactions.ts'

// Proxies and some clients drop a connection that is silent for long; a comment line keeps it open.
const keepAliveMs = 15_000

export function registerStream(app: FastifyInstance, interactions: Interactions): void {
  const clients = new Set<ServerResponse>()
  // JSON.stringify escapes newlines, so the whole list always fits on one `data:` line.
  const frame = () => `data: ${JSON.stringify(interactions.list())}\n\n`

  const unsubscribe = interactions.subscribe(() => {
    // The whole list, every interaction and message: not written out for nobody (a soak's
    // thousands of interactions made every change cost milliseconds, and zChat calls time out).
    if (clients.size === 0) return
    const data = frame()
    for (const client of clients) client.write(data)
  })
  const keepAlive = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n')
  }, keepAliveMs)
  keepAlive.unref()

  app.get('/control/stream', (request, reply) => {
    reply.hijack()
    const response = reply.raw
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    })
    response.write(`retry: 1000\n${frame()}`)
    clients.add(response)
    request.raw.on('close', () => clients.delete(response))
  })

  // An open stream would otherwise keep `close()` waiting forever.
  app.addHook('preClose', async () => {
    unsubscribe()
    clearInterval(keepAlive)
    for (const client of clients) client.end()
    clients.clear()
  })
}
