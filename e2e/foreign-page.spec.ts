import { expect, interactionWith, reply, shopUrl, startChat, test } from './fixtures.ts'

/**
 * A page that replaced `fetch` with a polyfill over XMLHttpRequest, as whatwg-fetch does: its
 * promise settles only once the whole response has arrived, and its Response has no streaming body.
 * An event stream never ends, so the widget must read it some other way.
 */
function installXhrFetch() {
  const page = window as unknown as { polyfilledCalls: number }
  page.polyfilledCalls = 0
  window.fetch = function fetch(input: RequestInfo | URL, init?: RequestInit) {
    page.polyfilledCalls++
    const request = new Request(input, init)
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open(request.method, request.url)
      for (const [name, value] of request.headers) xhr.setRequestHeader(name, value)
      xhr.onload = () => {
        const headers = new Headers()
        for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
          const colon = line.indexOf(':')
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
        }
        const empty = [101, 204, 205, 304].includes(xhr.status)
        const response = new Response(empty ? null : xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers,
        })
        Object.defineProperty(response, 'body', { value: undefined })
        resolve(response)
      }
      xhr.onerror = () => reject(new TypeError('Network request failed'))
      xhr.onabort = () => reject(new DOMException('Aborted', 'AbortError'))
      init?.signal?.addEventListener('abort', () => xhr.abort())
      void request.text().then((body) => xhr.send(body === '' ? null : body))
    })
  }
}

test("on a page with another script's window.zchat and a fetch polyfill over XHR, the visitor chats and sees the agent's replies live", async ({
  browser,
  stack,
  agent,
}) => {
  const context = await browser.newContext()
  await context.addInitScript(installXhrFetch)
  const visitor = await context.newPage()
  await visitor.goto(shopUrl(stack, '?foreign-global=1'))
  const chat = await startChat(visitor, 'Hello from a crowded page')

  const card = interactionWith(agent, 'Hello from a crowded page')
  await card.getByRole('button', { name: 'Accept' }).click()
  await reply(card, 'Welcome!')
  await reply(card, 'How can I help?')
  const log = chat.getByRole('log')
  await expect(log).toContainText('How can I help?')
  await expect(log.getByText('Welcome!', { exact: true })).toHaveCount(1)
  // The widget's calls went through the page's fetch; the page's own zchat is still its own.
  expect(
    await visitor.evaluate(
      () => (window as unknown as { polyfilledCalls: number }).polyfilledCalls,
    ),
  ).toBeGreaterThan(0)
  expect(
    await visitor.evaluate(() => (window as unknown as { zchat: () => unknown }).zchat()),
  ).toBe('theirs')
  await context.close()
})
