/**
 * docs/deploy/nginx.conf and docs/deploy/Caddyfile as an operator installs them
 * (scripts/testing/reverse-proxies.ts), in front of a proxy that is down, as it is for a moment at
 * every deploy: nginx then writes the request line of each call it could not pass on to its error
 * log, and Caddy logs each with its URI. The webhook's secret, a history ticket and a media id must
 * not be in what they write; an ordinary call's request line must, so the logs are known to work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../proxy/testing/redis-server.ts'
import { type Front, startFront } from './testing/reverse-proxies.ts'
import { type Client, h1Client } from './testing/tls-client.ts'

const webhookSecret = 'sample-webhook-secret-0123456789'
const ticket = 'v2.AbCdEfGh.eyJjIjoiYWJjIiwiZSI6MX0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'
const mediaId = 'c2VjcmV0LW1lZGlhLWlkLTAxMjM0'

describe.each(['nginx', 'caddy'] as const)('docs/deploy sample on %s, the proxy down', (kind) => {
  let front: Front
  let client: Client
  beforeAll(async () => {
    front = await startFront(kind, { upstreams: [await freePort()] })
    client = h1Client(front.port)
  }, 30_000)
  afterAll(async () => {
    client?.close()
    await front?.stop()
  })

  it('keeps the webhook secret, history tickets and media ids out of its logs', async () => {
    const json = { headers: { 'content-type': 'application/json' }, body: '{}' }
    // An ordinary call, failing the same way, beside them: its request line shows, so the logs work.
    const marker = `an-ordinary-call-${kind}`
    // Caddy holds each for its lb_try_duration (5 s) before it gives up: all at once, then.
    const answers = await Promise.all([
      client.call('POST', `/webhooks/zchat/${webhookSecret}`, json),
      client.call('GET', `/v1/history/${ticket}`),
      client.call('GET', `/media/${mediaId}/photo.png`),
      client.call('POST', `/v1/conversations?probe=${marker}`, json),
    ])
    expect(answers.map((answer) => answer.status)).toEqual([502, 502, 502, 502])
    if (kind === 'nginx') {
      // nginx's one worker logs a call as it ends it, before it reads the next: once this one is
      // answered, every line of the calls above is written.
      expect((await client.call('GET', '/healthz')).status).toBe(502)
    } else {
      // Caddy logs each call it could not pass on, its secret masked: wait for each line.
      for (const masked of ['/webhooks/zchat/***', '/v1/history/***', '/media/***/photo.png'])
        await front.logged(`"uri":"${masked}"`)
    }
    await front.logged(marker)

    const logs = front.logs()
    expect(logs).toMatch(new RegExp(`/v1/conversations\\?probe=${marker}`))
    for (const secret of [webhookSecret, ticket, mediaId]) expect(logs).not.toContain(secret)
  }, 20_000)
})
