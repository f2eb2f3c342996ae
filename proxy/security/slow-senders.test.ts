/**
 * Attacks: bodies sent a byte at a time, a forged webhook with a body that never ends, and one
 * address opening connection after connection. The proxy answers or closes; it never waits.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness, webhookSecret } from '../testing/harness.ts'

let h: Harness
let port: number
beforeAll(async () => {
  h = await startHarness({
    limits: { requestTimeoutMs: 1000, headersTimeoutMs: 1000, maxConnectionsPerIp: 20 },
  })
  port = Number(new URL(h.url).port)
})
afterAll(() => h.close())

/** A raw client from `from` (every 127.x.y.z is its own address on loopback). */
function open(from = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from }, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** What came back before the server closed the connection (or '' if it closed without a word). */
function answer(socket: Socket): Promise<string> {
  let text = ''
  socket.on('data', (chunk) => {
    text += String(chunk)
  })
  return new Promise((resolve) => {
    socket.once('close', () => resolve(text))
    socket.once('error', () => {})
  })
}

const post = (path: string, length: number) =>
  [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/json',
    `Content-Length: ${length}`,
    '',
    '',
  ].join('\r\n')

describe('slow senders', () => {
  it('a body that never arrives whole gets 408 and its socket closed', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, () => open()))
    const answers = sockets.map(answer)
    for (const socket of sockets) {
      socket.write(post(`/webhooks/zchat/${webhookSecret}`, 1000))
      socket.write('{"interaction_hash":')
    }
    for (const text of await Promise.all(answers)) expect(text).toMatch(/^HTTP\/1\.1 408/)
  })

  it('headers that never end get the socket closed', async () => {
    const socket = await open()
    const closed = answer(socket)
    socket.write(`POST /webhooks/zchat/${webhookSecret} HTTP/1.1\r\nHost: x\r\nX-Slow: `)
    // Node answers 408, or closes without a word when no request line came whole.
    expect(await closed).toMatch(/^(HTTP\/1\.1 408[\s\S]*)?$/)
  })

  it('a forged webhook is answered 404 before its body is read, and closed', async () => {
    const socket = await open()
    const text = answer(socket)
    socket.write(post('/webhooks/zchat/not-the-secret-0000000000', 1_000_000))
    socket.write('{"interaction_hash":"h"')
    const reply = await text
    expect(reply).toMatch(/^HTTP\/1\.1 404/)
    expect(reply).toMatch(/"code":"NOT_FOUND"/)
  })

  it('one address gets at most MAX_CONNECTIONS_PER_IP sockets; others are still served', async () => {
    const hog = await Promise.all(Array.from({ length: 20 }, () => open('127.0.0.9')))
    const extra = await Promise.all(Array.from({ length: 10 }, () => open('127.0.0.9')))
    const refused = await Promise.all(extra.map(answer))
    expect(refused).toEqual(Array(10).fill(''))
    const other = await fetch(`${h.url}/healthz`)
    expect(other.status).toBe(200)
    for (const socket of hog) socket.destroy()
  })
})
