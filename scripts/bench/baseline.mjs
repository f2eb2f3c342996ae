/**
 * The baseline: the same three jobs as the proxy (an SSE stream per conversation, a webhook that
 * turns a JSON body into a frame on it, a visitor's message forwarded to zChat) on bare
 * `node:http`, with nothing else. What the proxy costs beyond this is the price of its framework,
 * checks and logging. Plain JavaScript, run as the built proxy is.
 */
import { Agent, createServer, request } from 'node:http'

/** zChat's address, for the forwarding job (ZCHAT_API_URL), with connections kept alive. */
const zchat = process.env.ZCHAT_API_URL
const zchatAgent = new Agent({ keepAlive: true, maxSockets: 8 })

/** @param {import('node:http').IncomingMessage} req @param {(body: Buffer) => void} done */
function readBody(req, done) {
  /** @type {Buffer[]} */
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => done(Buffer.concat(chunks)))
}

/** @type {Map<string, Set<import('node:http').ServerResponse>>} */
const streams = new Map()
let nextId = 1

const server = createServer((req, res) => {
  const [, kind, id = ''] = (req.url ?? '').split('/')
  if (req.method === 'GET' && kind === 'events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write(': stream open\n\n')
    const set = streams.get(id) ?? new Set()
    streams.set(id, set)
    set.add(res)
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000)
    res.on('close', () => {
      clearInterval(heartbeat)
      set.delete(res)
      if (set.size === 0) streams.delete(id)
    })
    return
  }
  // A visitor's message, as a bare proxy passes it on: the body as it came, to zChat, and its
  // answer back. What any proxy in its own process adds to the call, and no more.
  if (req.method === 'POST' && kind === 'forward' && zchat) {
    readBody(req, (body) => {
      const call = request(
        `${zchat}/interactions/${encodeURIComponent(id)}/messages`,
        {
          method: 'POST',
          agent: zchatAgent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (answer) =>
          readBody(answer, (reply) => {
            res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' })
            res.end(reply)
          }),
      )
      call.on('error', () => res.writeHead(502).end())
      call.end(body)
    })
    return
  }
  if (req.method === 'POST' && kind === 'webhooks') {
    readBody(req, (bytes) => {
      const body = JSON.parse(bytes.toString('utf8'))
      const event = {
        id: nextId++,
        type: 'message',
        author: 'agent',
        messageId: body.message.hash,
        text: body.message.content,
        at: new Date().toISOString(),
      }
      const frame = `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`
      for (const stream of streams.get(body.interaction_hash) ?? []) stream.write(frame)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"received":true}')
    })
    return
  }
  res.writeHead(404).end()
})
server.keepAliveTimeout = 72_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') process.send?.({ port: address.port })
})
