// @vitest-environment happy-dom
/// <reference path="./env.d.ts" />
/**
 * widget.js on a page (happy-dom): the stub's queue, `init` before the calls queued around it,
 * `destroy` and `init` again. The chat chunk is not served here, so opening only tries to load it.
 */
import { afterEach, beforeEach, expect, it, type MockInstance, vi } from 'vitest'
import { greetedKey, sessionKey } from './storage-keys.ts'
import { createSessionStore } from './transport/session.ts'

type Zchat = ((...args: unknown[]) => void) & { q?: unknown[][] }
const page = window as unknown as { zchat?: Zchat }

let warn: MockInstance<typeof console.warn>
// What the loader build injects: the chat's file and what its first open needs, not served here.
Object.assign(globalThis, {
  __ZCHAT_CHAT_FILE__: 'chat-test.js',
  __ZCHAT_FIRST_OPEN__: {
    all: ['static-test.js', '../v1/config'],
    en: ['en-test.js'],
    'pt-BR': ['pt-br-test.js'],
    es: ['es-test.js'],
    prechat: ['prechat-part-test.js'],
    live: ['live-part-test.js'],
    identity: ['identity-part-test.js'],
  },
})

beforeEach(() => {
  vi.resetModules()
  // The window stays open across pages of a tab: each story starts on a fresh tab.
  sessionStorage.clear()
  localStorage.clear()
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  // The snippet's first line, then the page's calls before widget.js has loaded.
  const stub: Zchat = (...args) => {
    stub.q = stub.q ?? []
    stub.q.push(args)
  }
  stub.q = []
  page.zchat = stub
})

afterEach(() => {
  // The page's widget goes as a site takes it off: its listeners too, not only its nodes.
  page.zchat?.('destroy')
  for (const node of document.querySelectorAll('[data-zchat]')) node.remove()
  delete page.zchat
  vi.restoreAllMocks()
})

/** Runs widget.js as the page's `<script src>` with these data-* attributes. */
async function loadWidget(data: Record<string, string> = {}) {
  const script = document.createElement('script')
  script.src = 'https://chat.test/widget.js'
  Object.assign(script.dataset, data)
  Object.defineProperty(document, 'currentScript', { value: script, configurable: true })
  await import('./loader.ts')
}

const launcher = () =>
  document.querySelector('[data-zchat]')?.shadowRoot?.querySelector('button') ?? null

it('starts with the queued init, wherever it is in the queue, then runs the other calls in order', async () => {
  page.zchat?.('open')
  page.zchat?.('init', { lang: 'pt-BR', position: 'left' })
  await loadWidget({ department: '1', position: 'right' })
  // The open queued before init was not lost: the launcher says it closes the chat, in Portuguese.
  expect(launcher()?.getAttribute('aria-label')).toBe('Fechar chat')
  const root = document.querySelector('[data-zchat]')?.shadowRoot?.querySelector('.zc')
  expect(root?.getAttribute('lang')).toBe('pt-BR')
  // init's option wins over the tag's.
  expect(root?.getAttribute('data-side')).toBe('left')
  expect(document.querySelectorAll('[data-zchat]')).toHaveLength(1)
})

it('starts from data-* alone when the page queued no init', async () => {
  await loadWidget({ lang: 'es' })
  expect(launcher()?.getAttribute('aria-label')).toBe('Abrir chat')
  expect(warn).not.toHaveBeenCalled()
})

it('destroy takes the widget off the page, init puts it back, and init again restarts it', async () => {
  await loadWidget()
  const zchat = page.zchat!
  zchat('destroy')
  expect(document.querySelector('[data-zchat]')).toBeNull()
  zchat('open')
  expect(document.querySelector('[data-zchat]')).toBeNull()
  zchat('init', { lang: 'es' })
  expect(launcher()?.getAttribute('aria-label')).toBe('Abrir chat')
  zchat('init', { lang: 'pt-BR' })
  expect(document.querySelectorAll('[data-zchat]')).toHaveLength(1)
  expect(launcher()?.getAttribute('aria-label')).toBe('Abrir chat')
  expect(
    document.querySelector('[data-zchat]')?.shadowRoot?.querySelector('.zc')?.getAttribute('lang'),
  ).toBe('pt-BR')
})

it('names a bad option in one warning and keeps the rest', async () => {
  page.zchat?.('init', { lang: 'es', colour: 'red', zIndex: 'top' })
  await loadWidget()
  expect(warn.mock.calls.map(([message]) => message)).toEqual([
    '[zchat] ignoring unknown option colour, zIndex="top" (expected a whole number); using defaults',
  ])
  expect(launcher()?.getAttribute('aria-label')).toBe('Abrir chat')
})

it("lets the listeners queued with the snippet hear the start's open", async () => {
  const heard: string[] = []
  page.zchat?.('on', 'open', () => heard.push('open'))
  await loadWidget({ open: 'true' })
  await vi.waitFor(() => expect(heard).toEqual(['open']))
  expect(launcher()?.getAttribute('aria-label')).toBe('Close chat')
})

it('takes up a conversation another tab starts, and no longer once destroyed', async () => {
  await loadWidget()
  const key = sessionKey('https://chat.test')
  const session = {
    conversationId: 'c-1',
    credential: 'v1.x.y',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    finished: false,
    readId: 0,
    seenId: 0,
  }
  // What the other tab's save looks like here: the value in storage, then the `storage` event.
  localStorage.setItem(key, JSON.stringify(session))
  window.dispatchEvent(new StorageEvent('storage', { key }))
  // The chat is fetched (and, not being served here, fails to load).
  await vi.waitFor(() =>
    expect(warn.mock.calls.map(([message]) => message)).toContain(
      '[zchat] could not load the chat',
    ),
  )

  page.zchat?.('destroy')
  const reads = vi.spyOn(localStorage, 'getItem')
  window.dispatchEvent(new StorageEvent('storage', { key }))
  expect(reads).not.toHaveBeenCalled()
})

const preloaded = () =>
  Array.from(document.querySelectorAll('[data-zchat] > link'), (link) => [
    link.getAttribute('rel'),
    link.getAttribute('href'),
  ])

it('asks for nothing before intent, then for all the first open needs at once: the language, the config, the form', async () => {
  // A page that says nothing of the visitor: nothing to read it with.
  await loadWidget({ lang: 'pt-BR' })
  expect(preloaded()).toEqual([])
  launcher()?.dispatchEvent(new Event('pointerenter'))
  expect(preloaded()).toEqual([
    ['modulepreload', 'https://chat.test/widget/static-test.js'],
    ['preload', 'https://chat.test/widget/../v1/config'],
    ['modulepreload', 'https://chat.test/widget/pt-br-test.js'],
    ['modulepreload', 'https://chat.test/widget/prechat-part-test.js'],
  ])
  // The config is fetched as the chat's call will ask for it (CORS), which takes the answer over.
  const config = document.querySelector<HTMLLinkElement>('[data-zchat] > link[rel=preload]')
  expect([config?.as, config?.hasAttribute('crossorigin')]).toEqual(['fetch', true])
})

it('asks for what reads the visitor with it on a page that says who the visitor is, and only there', async () => {
  page.zchat?.('identify', { name: 'Ana' })
  await loadWidget()
  launcher()?.dispatchEvent(new Event('pointerenter'))
  expect(preloaded().map(([, href]) => href)).toContain(
    'https://chat.test/widget/identity-part-test.js',
  )
})

it('asks for what reads the visitor with it on a page whose tag carries a signed identity', async () => {
  await loadWidget({ identity: 'eyJjdXN0b21lcktleSI6ImEifQ', identitySignature: 'sig' })
  launcher()?.dispatchEvent(new Event('pointerenter'))
  expect(preloaded().map(([, href]) => href)).toContain(
    'https://chat.test/widget/identity-part-test.js',
  )
})

it('takes the pointer on the greeting beside the launcher, which opens the chat too, as intent', async () => {
  vi.useFakeTimers()
  try {
    await loadWidget({ greeting: 'Olá!', greetingDelay: '1' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(preloaded()).toEqual([])
    const text = document
      .querySelector('[data-zchat]')
      ?.shadowRoot?.querySelector('[role=status] > button')
    expect(text?.textContent).toBe('Olá!')
    text?.dispatchEvent(new Event('pointerenter'))
    expect(preloaded().length).toBeGreaterThan(0)
  } finally {
    vi.useRealTimers()
  }
})

it('asks for the stream instead of the pre-chat form when a conversation is going on', async () => {
  localStorage.setItem(
    sessionKey('https://chat.test'),
    JSON.stringify({ expiresAt: new Date(Date.now() + 60_000).toISOString() }),
  )
  await loadWidget()
  await vi.waitFor(() => expect(preloaded().length).toBeGreaterThan(0))
  expect(preloaded().map(([, href]) => href)).toEqual([
    'https://chat.test/widget/static-test.js',
    'https://chat.test/widget/../v1/config',
    'https://chat.test/widget/en-test.js',
    'https://chat.test/widget/live-part-test.js',
  ])
})

it('keeps what the visitor types in the window until the chat draws its message box', async () => {
  await loadWidget()
  launcher()?.click()
  const panel = document.querySelector('[data-zchat]')?.shadowRoot?.querySelector('.zc-panel')
  expect(panel?.getAttribute('contenteditable')).toBe('true')
  expect(document.querySelector('[data-zchat]')?.shadowRoot?.activeElement).toBe(panel)
})

it("reset (the site's logout) forgets the conversation: another tab hears it, the next page starts afresh", async () => {
  const key = sessionKey('https://chat.test')
  localStorage.setItem(
    key,
    JSON.stringify({
      conversationId: 'c-1',
      credential: 'v1.x.y',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      finished: false,
      readId: 0,
      seenId: 0,
    }),
  )
  await loadWidget()
  // A conversation going on: the chat is fetched at once (and fails to load here).
  await vi.waitFor(() =>
    expect(warn.mock.calls.map(([message]) => message)).toContain(
      '[zchat] could not load the chat',
    ),
  )
  page.zchat?.('identify', { name: 'Ana' })
  page.zchat?.('reset')
  expect(createSessionStore('https://chat.test').load()).toBeNull()
  // What every other tab's `storage` event carries: a reset, not a conversation.
  expect(localStorage.getItem(key)).toBe('reset')
  expect(localStorage.getItem(key)).not.toContain('v1.x.y')

  // The next page of the site: nothing to take up, so the chat is not fetched.
  page.zchat?.('destroy')
  for (const node of document.querySelectorAll('[data-zchat]')) node.remove()
  delete page.zchat
  vi.resetModules()
  await loadWidget()
  await Promise.resolve()
  // Never busy fetching the chat.
  expect(launcher()?.hasAttribute('aria-busy')).toBe(false)
})

const greeting = () =>
  document.querySelector('[data-zchat]')?.shadowRoot?.querySelector('[role=status]')?.textContent ??
  null

it('greets beside the launcher only with data-greeting-delay, and not a visitor in a conversation', async () => {
  vi.useFakeTimers()
  try {
    document.title = 'Shop'
    await loadWidget({ greeting: 'Olá!' })
    await vi.runAllTimersAsync()
    // data-greeting alone stays inside the chat, as before.
    expect(greeting()).toBe('')

    page.zchat?.('destroy')
    localStorage.setItem(
      sessionKey('https://chat.test'),
      JSON.stringify({ expiresAt: new Date(Date.now() + 60_000).toISOString() }),
    )
    page.zchat?.('init', { greeting: 'Olá!', greetingDelay: 0 })
    await vi.runAllTimersAsync()
    expect(greeting()).toBe('')
    expect(document.title).toBe('Shop')
  } finally {
    vi.useRealTimers()
  }
})

it("keeps a title the page set meanwhile, gives the page's title back on destroy, and remembers nothing unasked", async () => {
  vi.useFakeTimers()
  try {
    document.title = 'Shop'
    await loadWidget({ greeting: 'Olá!', greetingDelay: '2' })
    await vi.advanceTimersByTimeAsync(2_000)
    expect(greeting()).toContain('Olá!')
    expect(document.title).toBe('(1) Shop')
    page.zchat?.('destroy')
    expect(document.title).toBe('Shop')
    // Destroyed by the page, not closed by the visitor: the next page load greets again.
    expect(sessionStorage.getItem(greetedKey('https://chat.test'))).toBeNull()

    page.zchat?.('init')
    page.zchat?.('greet', 'Hello', { delay: 1 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(document.title).toBe('(1) Shop')
    document.title = 'Checkout'
    const close = document
      .querySelector('[data-zchat]')
      ?.shadowRoot?.querySelector<HTMLButtonElement>('[aria-label="Close greeting"]')
    close?.click()
    expect(greeting()).toBe('')
    expect(document.title).toBe('Checkout')
    expect(sessionStorage.getItem(greetedKey('https://chat.test'))).toBe('1')
    // Once per browser session.
    page.zchat?.('greet', 'Hello again')
    await vi.runAllTimersAsync()
    expect(greeting()).toBe('')
  } finally {
    vi.useRealTimers()
  }
})
