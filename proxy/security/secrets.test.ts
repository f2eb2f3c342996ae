/**
 * The zChat token, the webhook secret, the session secret and visitors' credentials never appear in
 * anything a browser can receive (answers, their headers, error bodies, event stream frames, the
 * external-history document, the built widget) nor in the logs. A whole conversation is played,
 * failures included, and everything that came back is searched.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import {
  agent,
  interaction,
  type ProductionHarness,
  siteOrigin,
  startProduction,
  testConfig,
  testToken,
  webhookSecret,
} from '../testing/harness.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const widgetDir = `${root}dist/widget/`
const metricsToken = 'metrics-token-for-the-secrets-test'
const { sessionSecret } = testConfig()

let p: ProductionHarness
const logs: string[] = []
/** Everything the browser side received: status lines, headers and bodies. */
const received: string[] = []
const credentials: string[] = []

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${p.proxy.url}${path}`, {
    ...init,
    headers: { origin: siteOrigin, 'content-type': 'application/json', ...init.headers },
  })
  const body = await response.text()
  received.push(`${response.status} ${JSON.stringify([...response.headers])} ${body}`)
  return { status: response.status, body }
}

beforeAll(async () => {
  p = await startProduction({
    metrics: { token: metricsToken },
    logDestination: { write: (line: string) => logs.push(line) },
  })
  const auth = (credential: string) => ({ authorization: `Bearer ${credential}` })
  // A first visitor's whole conversation.
  const started = await fetch(`${p.proxy.url}${routes.start}`, {
    method: 'POST',
    headers: { origin: siteOrigin, 'content-type': 'application/json' },
    body: JSON.stringify({ department: 1, visitor: { name: 'Ana' } }),
  })
  const first = (await started.json()) as { conversationId: string; credential: string }
  credentials.push(first.credential)
  const id = first.conversationId
  await call(routes.messages(id), {
    method: 'POST',
    headers: auth(first.credential),
    body: JSON.stringify({ clientId: 'secrets-0001', text: 'Hello' }),
  })
  await agent(p.emulator, id, 'accept')
  await agent(p.emulator, id, 'messages', { content: 'Hi Ana' })
  await agent(p.emulator, id, 'finish')
  await call(routes.rating(id), {
    method: 'PUT',
    headers: auth(first.credential),
    body: JSON.stringify({ mood: 'positive', comment: 'Thanks' }),
  })
  // Its event stream, whole.
  const controller = new AbortController()
  const stream = await fetch(`${p.proxy.url}${routes.events(id)}`, {
    headers: auth(first.credential),
    signal: controller.signal,
  })
  const reader = stream.body!.getReader()
  let frames = ''
  while (!frames.includes('"type":"rated"')) {
    const { value } = await reader.read()
    frames += new TextDecoder().decode(value)
  }
  controller.abort()
  received.push(`${stream.status} ${JSON.stringify([...stream.headers])} ${frames}`)
  // A second visitor, back for more: zChat gets the first conversation as external history.
  const again = await fetch(`${p.proxy.url}${routes.start}`, {
    method: 'POST',
    headers: { origin: siteOrigin, 'content-type': 'application/json' },
    body: JSON.stringify({
      department: 1,
      previous: { conversationId: id, credential: first.credential },
    }),
  })
  const second = (await again.json()) as { conversationId: string; credential: string }
  credentials.push(second.credential)
  const history = (
    (await interaction(p.emulator, second.conversationId)) as unknown as {
      externalHistory: { url: string }
    }
  ).externalHistory
  const document = await fetch(history.url)
  received.push(`${document.status} ${await document.text()}`)
  // Failures: a forged credential, another's conversation, a bad body, a wrong webhook secret.
  await call(routes.messages(id), {
    method: 'POST',
    headers: auth(`${first.credential}x`),
    body: '{}',
  })
  await call(routes.messages(second.conversationId), {
    method: 'POST',
    headers: auth(first.credential),
    body: '{"clientId": 1}',
  })
  await call(`/webhooks/zchat/${webhookSecret}x`, { method: 'POST', body: '{}' })
  await call(`/webhooks/zchat/${webhookSecret}`, { method: 'POST', body: '{"nonsense":true}' })
  await call('/readyz')
  await call('/v1/config')
}, 30_000)
afterAll(() => p?.close())

describe('secrets', () => {
  it('never reach the browser: answers, headers, errors, frames, the history document', () => {
    const everything = received.join('\n')
    expect(received.length).toBeGreaterThan(8)
    for (const secret of [testToken, webhookSecret, sessionSecret, metricsToken]) {
      expect(everything).not.toContain(secret)
    }
    // A credential goes back only in the start answer that issued it, which is not in `received`.
    for (const credential of credentials) expect(everything).not.toContain(credential)
  })

  it('never reach the built widget', () => {
    // `npm test` builds first; a test run on its own builds the widget it checks.
    if (!existsSync(widgetDir)) {
      const built = spawnSync('npm', ['run', '--silent', 'build:widget'], { cwd: root })
      expect(built.status, String(built.stderr)).toBe(0)
    }
    const files = readdirSync(widgetDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    expect(files.length).toBeGreaterThan(1)
    for (const text of files) {
      for (const secret of [testToken, webhookSecret, sessionSecret]) {
        expect(text).not.toContain(secret)
      }
    }
  })

  it('never reach the logs', () => {
    const everything = logs.join('')
    expect(logs.length).toBeGreaterThan(5)
    for (const secret of [testToken, webhookSecret, sessionSecret, metricsToken, ...credentials]) {
      expect(everything).not.toContain(secret)
    }
  })
})
