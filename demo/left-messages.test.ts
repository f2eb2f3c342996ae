/**
 * `npm start` shows left messages: the demo points LEAVE_MESSAGE_URL at its own website, which checks
 * the signature and lists what arrived at /left-messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../protocol/wire.ts'
import { signBody } from '../proxy/messages-left/signature.ts'
import { loadDemoConfig } from './config.ts'
import { type Demo, startDemo } from './start.ts'

let demo: Demo
beforeAll(async () => {
  const config = loadDemoConfig({ PORT: '0', DEMO_PORT: '0', EMULATOR_PORT: '0' })
  demo = await startDemo(config, { logger: false })
})
afterAll(() => demo.close())

const page = async () => (await fetch(demo.leftMessagesUrl!)).text()

describe('the demo website’s left messages', () => {
  it('lists a message a visitor left through the proxy, escaped', async () => {
    expect(demo.leftMessagesUrl).toBe(`${demo.site.url}/left-messages`)
    expect(await page()).toContain('None yet')
    const response = await fetch(`${demo.proxyUrl}${routes.messagesLeft}`, {
      method: 'POST',
      headers: { origin: demo.site.url, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', name: 'Ana', text: 'Call me <b>soon</b>' }),
    })
    expect(response.status).toBe(202)
    // Delivery follows the 202: read the page until it shows (each read is a round trip).
    let html = ''
    for (let i = 0; i < 50 && !html.includes('ana@example.com'); i++) html = await page()
    expect(html).toContain('Call me &lt;b&gt;soon&lt;/b&gt;')
    expect(html).toContain('<strong>Ana</strong>')
  })

  it('refuses deliveries that are not signed with its secret', async () => {
    const body = JSON.stringify({ id: 'x', email: 'eve@example.com', text: 'forged' })
    const forged = await fetch(demo.leftMessagesUrl!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zchat-signature': signBody('not-the-secret', body, Math.floor(Date.now() / 1000)),
      },
      body,
    })
    expect(forged.status).toBe(401)
    expect(await page()).not.toContain('eve@example.com')
  })
})
