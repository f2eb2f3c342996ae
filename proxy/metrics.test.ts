import { afterEach, describe, expect, it } from 'vitest'
import { routes } from '../protocol/wire.ts'
import {
  agent,
  openStream,
  type ProductionHarness,
  postTrigger,
  readMetric,
  scrape,
  startConversation,
  startProduction,
} from './testing/harness.ts'

const metricsToken = 'metrics-token-0123456789abcdef'
const asScraper = { authorization: `Bearer ${metricsToken}` }
const scrapeAs = (url: string, headers: Record<string, string> = asScraper) => scrape(url, headers)

let p: ProductionHarness | null = null
afterEach(async () => {
  await p?.close()
  p = null
})

describe('GET /metrics', () => {
  it('counts a real conversation: zChat calls, triggers, frames, streams and what is held', async () => {
    p = await startProduction({ metrics: { token: metricsToken, port: 0 } })
    const { url } = p.proxy
    const metricsUrl = `${url}/metrics`
    const before = await scrapeAs(metricsUrl)
    const delta = (after: string, name: string, labels: Record<string, string | RegExp> = {}) =>
      readMetric(after, name, labels) - readMetric(before, name, labels)

    const visitor = await startConversation(url)
    const stream = await openStream(
      `${url}${routes.events(visitor.conversationId)}`,
      visitor.headers,
    )
    await stream.waitFor((events) => events.some((e) => e.type === 'queued'))
    const sent = await fetch(`${url}${routes.messages(visitor.conversationId)}`, {
      method: 'POST',
      headers: { ...visitor.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'client-0001', text: 'Hello?' }),
    })
    expect(sent.status).toBe(202)
    await agent(p.emulator, visitor.conversationId, 'accept')
    await agent(p.emulator, visitor.conversationId, 'messages', { content: 'Hi, how can I help?' })
    const events = await stream.waitFor((all) =>
      all.some((e) => e.type === 'message' && e.author === 'agent'),
    )
    expect(events.map((e) => e.type)).toEqual(['queued', 'message', 'accepted', 'message'])

    const after = await scrapeAs(metricsUrl)
    const ok = /^2\d\d$/
    expect(delta(after, 'zchat_proxy_zchat_calls_total', { endpoint: 'start', status: ok })).toBe(1)
    expect(delta(after, 'zchat_proxy_zchat_calls_total', { endpoint: 'message', status: ok })).toBe(
      1,
    )
    expect(delta(after, 'zchat_proxy_zchat_calls_total')).toBe(2)
    expect(
      delta(after, 'zchat_proxy_zchat_call_duration_seconds_count', { endpoint: 'start' }),
    ).toBe(1)
    for (const type of ['queued', 'accepted', 'message']) {
      expect(delta(after, 'zchat_proxy_webhook_triggers_total', { type, outcome: 'stored' })).toBe(
        1,
      )
    }
    expect(delta(after, 'zchat_proxy_webhook_triggers_total')).toBe(3)
    expect(delta(after, 'zchat_proxy_frames_relayed_total')).toBe(events.length)
    expect(readMetric(after, 'zchat_proxy_open_streams')).toBe(1)
    expect(readMetric(after, 'zchat_proxy_conversations_held')).toBe(1)
    expect(readMetric(after, 'zchat_proxy_events_held')).toBe(4)
    expect(delta(after, 'zchat_proxy_rate_limited_total')).toBe(0)
    // Node.js and process metrics come along, under their usual names.
    expect(readMetric(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(readMetric(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)

    stream.close()
    await expect
      .poll(async () =>
        readMetric(await scrapeAs(p!.proxy.metricsUrl!, {}), 'zchat_proxy_open_streams'),
      )
      .toBe(0)
  })

  it('tells a duplicate, an ignored, an invalid and a forged trigger apart', async () => {
    p = await startProduction({ metrics: { token: metricsToken } })
    const { url } = p.proxy
    const { conversationId } = await startConversation(url)
    const message = {
      interaction_hash: conversationId,
      message: { hash: 'm-1', content: 'Hello', type: 'text' },
      agent: { id: 1, name: 'Carla' },
      extra: {},
    }
    const finished = { interaction_hash: conversationId, state: 'finished', extra: {} }
    for (const payload of [message, message, finished, finished]) {
      expect((await postTrigger(url, payload)).status).toBe(200)
    }
    // After the end, typing no longer matters; a state we do not know is acknowledged.
    await postTrigger(url, { interaction_hash: conversationId, state: 'typing', extra: {} })
    await postTrigger(url, { interaction_hash: conversationId, state: 'transferred' })
    expect((await postTrigger(url, { state: 42 })).status).toBe(400)
    const forged = await fetch(`${url}/webhooks/zchat/not-the-secret-0000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    })
    expect(forged.status).toBe(404)

    const text = await scrapeAs(`${url}/metrics`)
    const triggers = (type: string, outcome: string) =>
      readMetric(text, 'zchat_proxy_webhook_triggers_total', { type, outcome })
    expect(triggers('message', 'stored')).toBe(1)
    expect(triggers('message', 'duplicate')).toBe(1)
    expect(triggers('finished', 'stored')).toBe(1)
    expect(triggers('finished', 'duplicate')).toBe(1)
    expect(triggers('typing', 'ignored')).toBe(1)
    expect(triggers('unknown', 'ignored')).toBe(1)
    expect(triggers('unknown', 'invalid')).toBe(1)
    expect(triggers('unknown', 'forbidden')).toBe(1)
  })

  it('refuses the public on the main port: no token or a wrong one is a 401, and guessing is rate limited', async () => {
    p = await startProduction({
      metrics: { token: metricsToken },
      limits: { rateLimitPerMinute: 3 },
    })
    const metricsUrl = `${p.proxy.url}/metrics`
    const anonymous = await fetch(metricsUrl)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
    expect(await anonymous.json()).toEqual({
      code: 'AUTHENTICATION_ERROR',
      message: expect.any(String),
    })
    const statuses = []
    for (const authorization of [
      'Bearer wrong-token-0123456789abcdef',
      metricsToken,
      `Bearer ${metricsToken}x`,
    ]) {
      statuses.push((await fetch(metricsUrl, { headers: { authorization } })).status)
    }
    // Three calls a minute from one address: the fourth guess is refused before it is checked.
    expect(statuses).toEqual([401, 401, 429])
    // The scraper itself is never rate limited, however often it comes.
    for (let i = 0; i < 5; i++) await scrapeAs(metricsUrl)
    const text = await scrapeAs(metricsUrl)
    expect(readMetric(text, 'zchat_proxy_rate_limited_total', { route: '/metrics' })).toBe(1)
    expect(text).not.toContain(metricsToken)
  })

  it('is a 404 on the main port when nothing opens it', async () => {
    p = await startProduction()
    expect(p.proxy.metricsUrl).toBeNull()
    for (const headers of [{}, asScraper]) {
      const response = await fetch(`${p.proxy.url}/metrics`, { headers })
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'Not found' })
    }
  })

  it('is served without a token on its own listener, where configured, closed with the proxy', async () => {
    p = await startProduction({ metrics: { port: 0, host: '127.0.0.1' } })
    const { metricsUrl, url } = p.proxy
    expect(metricsUrl).not.toBeNull()
    const listener = new URL(metricsUrl!)
    expect(listener.hostname).toBe('127.0.0.1')
    expect(listener.port).not.toBe(new URL(url).port)
    expect(readMetric(await scrapeAs(metricsUrl!, {}), 'zchat_proxy_open_streams')).toBe(0)
    // Only the metrics there; and no token set means no /metrics on the main port.
    expect((await fetch(`${listener.origin}/healthz`)).status).toBe(404)
    expect((await fetch(`${url}/metrics`)).status).toBe(404)

    await p.close()
    p = null
    await expect(fetch(metricsUrl!)).rejects.toThrow()
  })

  it('counts what the event log forgets, by reason', async () => {
    p = await startProduction({
      metrics: { port: 0 },
      limits: { maxConversations: 2, maxEventsPerConversation: 2 },
    })
    const { url } = p.proxy
    // Triggers for interactions never opened here: the third one pushes the oldest out.
    for (const hash of ['other-1', 'other-2', 'other-3']) {
      await postTrigger(url, { interaction_hash: hash, state: 'queued', position: 1, extra: {} })
    }
    // Three messages in one conversation that keeps two: the oldest goes.
    for (const hash of ['m-1', 'm-2', 'm-3']) {
      await postTrigger(url, {
        interaction_hash: 'other-3',
        message: { hash, content: hash, type: 'text' },
        agent: null,
      })
    }
    const text = await scrapeAs(p.proxy.metricsUrl!, {})
    expect(readMetric(text, 'zchat_proxy_evictions_total', { reason: 'cap' })).toBe(1)
    expect(readMetric(text, 'zchat_proxy_evictions_total', { reason: 'event-cap' })).toBe(2)
    expect(readMetric(text, 'zchat_proxy_conversations_held')).toBe(2)
    expect(readMetric(text, 'zchat_proxy_events_held')).toBe(3)
  })
})
