/**
 * docs/deploy/nginx.conf on Debian's nginx and docs/deploy/Caddyfile on Debian's Caddy, as an
 * operator installs them (scripts/testing/reverse-proxies.ts), in front of the production proxy
 * (its entry in a process of its own, on a real Redis, TRUST_PROXY=1 as the samples say), with the
 * zChat emulator's agent on the other side. What a visitor's browser would notice through them:
 * the agent's words arrive while the stream is open, over HTTP/2 and HTTP/1.1; a 10 MiB file goes
 * up and comes back; a deploy (SIGTERM, the proxy started again on its port) loses nothing; and a
 * forged X-Forwarded-For buys no new allowance.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as pause } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../emulator/server.ts'
import { routes } from '../protocol/wire.ts'
import { defaultLimits } from '../proxy/env.ts'
import {
  agent,
  interaction,
  type ProxyProcess,
  siteOrigin,
  startProxyProcessAlong,
  testConfig,
  testToken,
  webhookSecret,
} from '../proxy/testing/harness.ts'
import { freePort, startTestRedis, type TestRedis } from '../proxy/testing/redis-server.ts'
import { type Front, serverName, startFront } from './testing/reverse-proxies.ts'
import {
  type Client,
  type Frame,
  type Protocol,
  StatusError,
  tlsClient,
  uploadForm,
} from './testing/tls-client.ts'

const kinds = ['nginx', 'caddy'] as const
/** STARTS_PER_MINUTE for the test: small, so one address runs out of it at once. */
const startsPerMinute = 3

let redis: TestRedis
let dir: string
let emulator: Emulator
let proxyPort: number
let proxy: ProxyProcess
const fronts = new Map<Front['kind'], Front>()
const clients: Client[] = []

/** The production entry on `proxyPort`, as the samples want it: TRUST_PROXY=1. */
function startProxy() {
  const config = testConfig({
    zchatApiUrl: emulator.apiUrl,
    redisUrl: redis.url,
    mediaDir: join(dir, 'media'),
    publicUrl: `https://${serverName}`,
    limits: defaultLimits,
  })
  return startProxyProcessAlong(config, {
    PORT: String(proxyPort),
    TRUST_PROXY: '1',
    STARTS_PER_MINUTE: String(startsPerMinute),
    SHUTDOWN_TIMEOUT_MS: '3000',
  })
}

async function stopProxy(signal: NodeJS.Signals) {
  const { child } = proxy
  if (child.exitCode !== null || child.signalCode !== null) return null
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill(signal)
  return exited
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reverse-proxy-'))
  // Redis keeps the conversations while the proxy restarts, as docs/operations.md deploys it.
  redis = await startTestRedis({ dir })
  emulator = await startEmulator({ token: testToken })
  proxyPort = await freePort()
  proxy = await startProxy()
  emulator.setWebhookUrl(`http://127.0.0.1:${proxyPort}/webhooks/zchat/${webhookSecret}`)
  // zChat tries a trigger again while the proxy is away (docs/zchat/assumptions.md, 15): here for
  // 30 s, longer than the proxy takes to start again on a loaded machine.
  await fetch(`${emulator.url}/control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookRetries: 20, webhookRetryDelayMs: 1500 }),
  })
  for (const kind of kinds) fronts.set(kind, await startFront(kind, { upstreams: [proxyPort] }))
}, 60_000)

afterAll(async () => {
  for (const client of clients) client.close()
  for (const front of fronts.values()) await front.stop()
  if (proxy) await stopProxy('SIGKILL')
  await emulator?.close()
  await redis?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** A visitor's browser at `address` (a loopback address of its own) talking to `front`. */
function browser(front: Front, protocol: Protocol, address: string) {
  const client = tlsClient(protocol, front.port, address)
  clients.push(client)
  return client
}

const json = { 'content-type': 'application/json', origin: siteOrigin }

async function startChat(client: Client, headers: Record<string, string> = {}) {
  const answer = await client.call('POST', routes.start, {
    headers: { ...json, ...headers },
    body: JSON.stringify({ department: 1 }),
  })
  return answer
}

async function startedChat(client: Client) {
  const answer = await startChat(client)
  expect(answer.status, String(answer.body)).toBe(201)
  const { conversationId, credential } = JSON.parse(String(answer.body)) as {
    conversationId: string
    credential: string
  }
  return {
    conversationId,
    headers: { authorization: `Bearer ${credential}`, origin: siteOrigin },
  }
}

/**
 * The widget's reconnect: a 503 (the new proxy listens, its Redis connection not made yet) or a
 * 502 is tried again after the server's `Retry-After`, a few times.
 */
async function reconnect(tab: Client, path: string, headers: Record<string, string>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tab.stream(path, headers)
    } catch (error) {
      if (!(error instanceof StatusError) || error.status < 502 || attempt === 5) throw error
      await pause(error.retryAfterMs ?? 1000)
    }
  }
}

const agentTexts = (frames: Frame[]) =>
  frames.flatMap(({ data }) => {
    const event = data as { type: string; author?: string; text?: string }
    return event.type === 'message' && event.author === 'agent' ? [event.text] : []
  })

const saysAgent = (text: string) => (frames: Frame[]) => agentTexts(frames).includes(text)

/** Distinct client addresses per front and test: STARTS_PER_MINUTE counts each on its own. */
const address = (kind: Front['kind'], n: number) => `127.0.${kind === 'nginx' ? 11 : 12}.${n}`

describe.each(kinds)('docs/deploy sample on %s', (kind) => {
  const front = () => fronts.get(kind)!

  it('passes its own configuration check without a warning', async () => {
    const said = await front().check()
    if (kind === 'nginx') {
      expect(said).toMatch(/test is successful/)
      expect(said).not.toMatch(/\[(warn|emerg|alert|crit)\]/)
    } else {
      expect(said).toMatch(/Valid configuration/)
      // The only warning: the test's self-signed certificate names no OCSP responder.
      const warnings = said
        .split('\n')
        .filter((line) => /"level":"(warn|error)"/.test(line) && !/stapling OCSP/.test(line))
      expect(warnings).toEqual([])
    }
  })

  it.each(['h2', 'h1'] as const)(
    "relays the agent's words over %s while the stream is open, not at its end",
    async (protocol) => {
      const client = browser(front(), protocol, address(kind, protocol === 'h2' ? 1 : 2))
      const chat = await startedChat(client)
      const stream = await client.stream(routes.events(chat.conversationId), chat.headers)
      await agent(emulator, chat.conversationId, 'accept')
      await agent(emulator, chat.conversationId, 'messages', { content: 'Hello, how can I help?' })
      await stream.waitFor(saysAgent('Hello, how can I help?'))
      expect(stream.isOpen()).toBe(true)
      await agent(emulator, chat.conversationId, 'messages', { content: 'Still here?' })
      await stream.waitFor(saysAgent('Still here?'))
      expect(stream.isOpen()).toBe(true)
      stream.close()
    },
    20_000,
  )

  it('takes a 10 MiB upload and serves it back once a message carries it', async () => {
    const client = browser(front(), 'h2', address(kind, 3))
    const chat = await startedChat(client)
    await agent(emulator, chat.conversationId, 'accept')
    // UPLOAD_MAX_BYTES's default, 10 MiB: plain text, which the proxy recognises by its bytes.
    const bytes = Buffer.alloc(defaultLimits.uploadMaxBytes, 'All work and no play.\n')
    const form = await uploadForm(bytes, 'notes.txt', 'text/plain')
    const uploaded = await client.call('POST', routes.uploads(chat.conversationId), {
      headers: { ...chat.headers, 'content-type': form.contentType },
      body: form.body,
    })
    expect(uploaded.status, String(uploaded.body)).toBe(201)
    const { uploadId, url, size } = JSON.parse(String(uploaded.body)) as {
      uploadId: string
      url: string
      size: number
    }
    expect(size).toBe(bytes.length)
    const sent = await client.call('POST', routes.messages(chat.conversationId), {
      headers: { ...chat.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'upload-0001', upload: uploadId }),
    })
    expect(sent.status, String(sent.body)).toBe(202)
    const seen = await interaction(emulator, chat.conversationId)
    expect(seen.messages.map((message) => message.url)).toEqual([url])
    // What the agent opens, through the same front.
    const served = await client.call('GET', new URL(url).pathname)
    expect(served.status).toBe(200)
    const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex')
    expect(digest(served.body)).toBe(digest(bytes))
  }, 60_000)

  it('keeps a visitor through a deploy: SIGTERM, the proxy started again, the streams resume with Last-Event-ID and lose nothing', async () => {
    // Two tabs of one visitor, one on each protocol.
    const tabs = [
      browser(front(), 'h2', address(kind, 4)),
      browser(front(), 'h1', address(kind, 4)),
    ]
    const chat = await startedChat(tabs[0]!)
    const path = routes.events(chat.conversationId)
    const first = await Promise.all(tabs.map((tab) => tab.stream(path, chat.headers)))
    await agent(emulator, chat.conversationId, 'accept')
    await agent(emulator, chat.conversationId, 'messages', { content: 'Before the deploy' })
    await Promise.all(first.map((stream) => stream.waitFor(saysAgent('Before the deploy'))))

    // The drain tells each stream when to come back and ends it; the front passes both on.
    expect(await stopProxy('SIGTERM')).toBe(0)
    await Promise.all(first.map((stream) => stream.ended))
    for (const stream of first) expect(stream.retryMs).toBeGreaterThan(0)
    // zChat goes on while the proxy is away: it retries the trigger until the proxy is back.
    await agent(emulator, chat.conversationId, 'messages', { content: 'During the deploy' })
    proxy = await startProxy()

    const again = await Promise.all(
      first.map((stream, i) =>
        reconnect(tabs[i]!, path, {
          ...chat.headers,
          'last-event-id': String(stream.frames.at(-1)!.id),
        }),
      ),
    )
    await agent(emulator, chat.conversationId, 'messages', { content: 'After the deploy' })
    await Promise.all(again.map((stream) => stream.waitFor(saysAgent('After the deploy'))))
    for (const [i, stream] of again.entries()) {
      const frames = [...first[i]!.frames, ...stream.frames]
      expect(agentTexts(frames)).toEqual([
        'Before the deploy',
        'During the deploy',
        'After the deploy',
      ])
      const ids = frames.map((frame) => frame.id)
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b))
      stream.close()
    }
  }, 60_000)

  it("ignores a visitor's own X-Forwarded-For: starts are counted by the address the front sees", async () => {
    const visitor = browser(front(), 'h2', address(kind, 5))
    // Each start claims another address; the proxy must count them all as this visitor's.
    for (let n = 1; n <= startsPerMinute; n++) {
      const answer = await startChat(visitor, { 'x-forwarded-for': `198.51.100.${n}` })
      expect(answer.status, String(answer.body)).toBe(201)
    }
    const forged = await startChat(visitor, { 'x-forwarded-for': '198.51.100.99' })
    expect(forged.status).toBe(429)
    // Another visitor behind the same front has an allowance of its own: the proxy does not
    // count the front's address either (TRUST_PROXY=1 takes the address the front adds).
    const other = browser(front(), 'h1', address(kind, 6))
    expect((await startChat(other)).status).toBe(201)
  }, 30_000)
})
