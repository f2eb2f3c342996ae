/**
 * A site's LEAVE_MESSAGE_URL for tests: a real HTTP server on loopback that checks each delivery's
 * signature, answers with the statuses it is told to, and lets a test wait for the n-th delivery
 * (no sleeps) or hold answers back until it says so.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signatureHeader, verifySignature } from '../messages-left/signature.ts'

export type Received = { body: string; signed: boolean; status: number }

export type Receiver = {
  url: string
  received: Received[]
  /** Resolves once `count` deliveries have arrived (answered or held). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>
  /** Answers every held delivery, and those after it, at once. */
  release(): void
  close(): Promise<void>
}

async function read(request: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of request) body += String(chunk)
  return body
}

export async function startReceiver({
  secret,
  statuses = [],
  hold = false,
}: {
  secret: string
  /** The answer to each delivery in turn; 200 once they run out. */
  statuses?: number[]
  /** Keep every answer back until `release()`. */
  hold?: boolean
}): Promise<Receiver> {
  const received: Received[] = []
  let changed = () => {}
  let release = () => {}
  const released = hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()
  const server: Server = createServer(async (request, response) => {
    const body = await read(request)
    const header = request.headers[signatureHeader]
    const signed = verifySignature(secret, typeof header === 'string' ? header : undefined, body)
    const status = signed ? (statuses[received.length] ?? 200) : 401
    received.push({ body, signed, status })
    changed()
    await released
    response.writeHead(status).end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/left-messages`,
    received,
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          changed = () => {}
          reject(new Error(`timed out waiting for ${count} deliveries; got ${received.length}`))
        }, timeoutMs)
        changed = () => {
          if (received.length < count) return
          clearTimeout(timer)
          changed = () => {}
          resolve(received)
        }
        changed()
      })
    },
    release: () => release(),
    close: () => {
      release()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
