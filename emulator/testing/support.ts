/**
 * Test helpers for the emulator's suites: a started emulator, a real HTTP webhook receiver and
 * plain fetch calls. No mocks: everything travels over loopback.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { vi } from 'vitest'
import { type Emulator, type EmulatorOptions, startEmulator } from '../server.ts'

export const token = 'test-token'

/** Retries `check` until it passes; generous, because deliveries are asynchronous and CI is busy. */
export function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 5000, interval: 20 })
}

export type Receiver = {
  url: string
  /** Parsed bodies, as soon as they arrive, before any held answer. */
  arrived: unknown[]
  /** Parsed bodies, recorded as each answer goes out. */
  received: unknown[]
  /** The statuses the next requests get, in order, the last one for every request after (default 200). */
  respondWith(...statuses: [number, ...number[]]): void
  close(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of request) text += String(chunk)
  return text
}

/**
 * A webhook receiver. `delayMs` holds an answer back; the body is recorded only when the answer
 * goes out, so overlapping deliveries would show up out of order.
 */
export async function startReceiver(
  delayMs: (body: unknown) => number = () => 0,
): Promise<Receiver> {
  const arrived: unknown[] = []
  const received: unknown[] = []
  let statuses = [200]
  const server = createServer(async (request, response) => {
    const body: unknown = JSON.parse(await readBody(request))
    arrived.push(body)
    await sleep(delayMs(body))
    received.push(body)
    const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    arrived,
    received,
    respondWith(...next) {
      statuses = next
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

type FileAnswer = { status: number; body: string; delayMs?: number }

/** A server that answers every GET with `answer` (for external history); it may hold the answer. */
export async function startFileServer(
  answer: (path: string) => FileAnswer | Promise<FileAnswer>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const { status, body, delayMs = 0 } = await answer(request.url ?? '/')
    await sleep(delayMs)
    response.writeHead(status, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type Answer = { status: number; text: string; json: unknown; contentType: string | null }

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await response.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    // Left null: some tests expect a body that is not JSON.
  }
  return { status: response.status, text, json, contentType: response.headers.get('content-type') }
}

export type Setup = {
  emulator: Emulator
  receiver: Receiver
  api(method: string, path: string, body?: unknown): Promise<Answer>
  control(method: string, path: string, body?: unknown): Promise<Answer>
  /** Resets the emulator and forgets what the receiver got. */
  reset(): Promise<void>
  /** Starts an interaction and returns its hash. */
  start(body?: Record<string, unknown>): Promise<string>
  close(): Promise<void>
}

export async function setup(
  options: Partial<EmulatorOptions> = {},
  receiverDelayMs?: (body: unknown) => number,
): Promise<Setup> {
  const receiver = await startReceiver(receiverDelayMs)
  const emulator = await startEmulator({ token, webhookUrl: receiver.url, ...options })
  const api = (method: string, path: string, body?: unknown) =>
    call(emulator.apiUrl, method, path, body)
  return {
    emulator,
    receiver,
    api,
    control: (method, path, body) => call(`${emulator.url}/control`, method, path, body),
    async reset() {
      // The emulator answers only once the deliveries on the wire are answered: none lands after.
      await call(`${emulator.url}/control`, 'POST', '/reset')
      receiver.arrived.length = 0
      receiver.received.length = 0
      receiver.respondWith(200)
    },
    async start(body = {}) {
      const answer = await api('POST', '/interactions', { token, department_id: 1, ...body })
      const hash = (answer.json as { data?: { interaction_hash?: string } } | null)?.data
        ?.interaction_hash
      if (answer.status !== 200 || !hash)
        throw new Error(`start failed: ${answer.status} ${answer.text}`)
      return hash
    },
    async close() {
      await emulator.close()
      await receiver.close()
    },
  }
}
