/**
 * widget.js, on every page of the host site: reads the snippet's options, puts the launcher in an
 * open shadow root, replays the `zchat.q` queue and replaces `window.zchat` with the real function.
 * The chat itself (Preact and all) is imported only when opened, or right away when a conversation
 * is going on so a reload picks it up. `zchat('init', options)` starts it from the page's script
 * (or again, with other options); `zchat('destroy')` takes every trace of it off the page;
 * `zchat('reset')` (the site's logout) forgets the conversation in every tab.
 */
import { chooseLocale } from './i18n/locale.ts'
import { createCommands, type WidgetEvent } from './loader/commands.ts'
import { textOn } from './loader/contrast.ts'
import { isStub, type Stub } from './loader/global.ts'
import { createGreeting, createLauncher } from './loader/launcher.ts'
import { proxyBase, readInit, readOptions } from './loader/options.ts'
import { launcherCss } from './loader/styles.ts'
import type {
  ChatHandle,
  ChatHost,
  ChatModule,
  SiteSaid,
  WidgetOptions,
} from './loader-chat-interface.ts'
import {
  forgetConversation,
  greeted,
  hasOngoingSession,
  rememberOpen,
  wasOpen,
} from './transport/session.ts'
import { adoptStyles } from './ui/adopt-styles.ts'
import { warn } from './warn.ts'

type ZchatWindow = Window & Record<string, unknown>

/** What the page told the widget through `zchat(...)`, kept across `init`s until `destroy` or `reset`. */
type Site = SiteSaid & { profile: unknown[] }
const newSite = (captcha: Site['captcha'] = null): Site => ({ profile: [], extra: {}, captcha })

type Widget = ReturnType<typeof render>

// Only valid synchronously, at the top level of the script's first run.
const script = document.currentScript as HTMLScriptElement | null

function boot(): void {
  const page = window as unknown as ZchatWindow
  const base = script ? proxyBase(script.src) : null
  if (!script || base === null) {
    warn('no widget.js script tag; not starting')
    return
  }
  let name = script.dataset.global || 'zchat'
  if (!isStub(page[name])) {
    warn(`window.${name} is taken; using window.zchatWidget (see data-global)`)
    name = 'zchatWidget'
  }
  const stub = page[name] as Stub | undefined
  if (stub?.loaded) {
    warn('widget.js is included twice; ignoring it')
    return
  }
  let widget: Widget | null = null
  let site = newSite()

  /** `zchat('init', given)`: the data-* options with the page's own over them. */
  function init(given: unknown): void {
    widget?.destroy()
    const problems: string[] = []
    const own = readInit(given, problems)
    const data = { ...script!.dataset, ...own }
    const lang = chooseLocale([data.lang, document.documentElement.lang, ...navigator.languages])
    const options = readOptions(base!, lang, data, problems, (v) => CSS.supports('color', v), own)
    if (problems.length > 0) warn(`ignoring ${problems.join(', ')}; using defaults`)
    const started = render(options, () => site, commands.emit)
    widget = started
    // After the calls queued with this init, so their listeners hear the `open`; at once for a later one.
    queueMicrotask(() => {
      if (widget !== started) return
      // Opened by the page's options, not the visitor: focus stays where it is.
      if (options.open || wasOpen(base!)) started.setOpen(true, false)
      else if (hasOngoingSession(base!)) started.preload()
    })
    // Now, so that the page's own zchat('greet') calls, queued or later, come after it and win; an
    // open above takes it away.
    if (options.greeting && options.greetingDelay !== undefined)
      started.greet(options.greeting, options.greetingDelay)
  }

  const commands = createCommands({
    init,
    destroy: () => {
      widget?.destroy()
      widget = null
      site = newSite()
    },
    reset: () => {
      forgetConversation(base)
      // What the page said of the visitor who logged out; its CAPTCHA stays the page's.
      site = newSite(site.captcha)
      widget?.reset()
    },
    open: () => widget?.setOpen(true, true),
    close: () => widget?.setOpen(false, false),
    toggle: () => widget?.toggle(),
    identify: (next) => {
      site.profile.push(next)
      widget?.identify()
    },
    // Read (and checked) when a conversation starts; an ongoing one keeps what it started with.
    extra: (next) => {
      site.extra = { ...site.extra, ...(next as object) }
    },
    captcha: (get) => {
      site.captcha = get
    },
    greet: (text, delay) => widget?.greet(text, delay),
  })
  const real: Stub = commands.zchat
  real.loaded = true
  // Checked again: window.zchatWidget may be another script's too; then the page has no API, but keeps theirs.
  if (isStub(page[name])) page[name] = real
  // The page's first `init` starts the widget, before the calls queued around it; without one, data-*.
  const calls = Array.from(stub?.q ?? [], (args) => Array.from(args))
  const first = calls.findIndex((args) => args[0] === 'init')
  real(...(first < 0 ? ['init'] : calls.splice(first, 1)[0]!))
  for (const args of calls) real(...args)
}

function render(
  options: WidgetOptions,
  site: () => Site,
  emit: (event: WidgetEvent, payload?: unknown) => void,
) {
  const host = document.createElement('div')
  host.setAttribute('data-zchat', '')
  // Page CSS can reach the host element itself: reset it so no transform or filter moves our fixed UI.
  // Through the CSSOM, which a CSP without 'unsafe-inline' allows (a style attribute it would block).
  host.style.cssText = 'all:initial!important'
  const shadow = host.attachShadow({ mode: 'open' })
  adoptStyles(shadow, launcherCss)
  const root = document.createElement('div')
  root.className = 'zc'
  root.lang = options.lang
  root.dataset.side = options.position
  // The chat reads data-theme (and warns); the greeting beside the launcher may show before it.
  root.dataset.theme = options.attributes.theme?.trim() || 'light'
  root.style.zIndex = `${options.zIndex ?? ''}`
  shadow.append(root)
  // After <body>, not in it: a transform or filter on body would otherwise pin our fixed UI to it.
  document.documentElement.append(host)
  if (options.color) {
    root.style.setProperty('--zc-accent', options.color)
    root.style.color = options.color
    root.style.setProperty('--zc-on-accent', textOn(getComputedStyle(root).color))
    root.style.color = ''
  }
  const panel = document.createElement('div')
  panel.className = 'zc-panel'
  panel.id = 'zc-panel'
  panel.hidden = true
  const launcher = createLauncher(panel.id, options.lang)
  const greeting = createGreeting(options.lang)
  root.append(panel, greeting.box, launcher.button)

  let open = false
  let focusOnMount = false
  let gone = false
  let chat: ChatHandle | null = null
  let loading: Promise<ChatModule> | null = null
  let mounting: Promise<void> | null = null

  // What the first open needs beside the chat, asked for with it: one round trip, not a chain
  // (vite.config.ts lists the files from the build): the page's language, a new conversation's
  // pre-chat form or an ongoing one's stream, what reads the page's word on the visitor if it gave
  // any, and the proxy's config, which the chat's first call takes from this preload.
  // In the host element, so destroy takes them too.
  const load = () => {
    if (!loading) {
      // The chat first: the largest, and the first to run.
      loading = (
        import(
          /* @vite-ignore */ `${options.proxy}/widget/${__ZCHAT_CHAT_FILE__}`
        ) as Promise<ChatModule>
      ).catch((error: unknown) => {
        loading = null
        throw error
      })
      const files = __ZCHAT_FIRST_OPEN__
      for (const path of [
        ...files.all,
        ...files[options.lang],
        ...(hasOngoingSession(options.proxy) ? files.live : files.prechat),
        ...(options.attributes.identity !== undefined || site().profile.length > 0
          ? files.identity
          : []),
      ])
        host.append(
          Object.assign(
            document.createElement('link'),
            { rel: 'modulepreload', href: `${options.proxy}/widget/${path}` },
            // The config: fetched as the chat's call will fetch it, which takes the answer over.
            !path.endsWith('.js') && { rel: 'preload', as: 'fetch', crossOrigin: '' },
          ),
        )
    }
    return loading
  }
  const chatHost: ChatHost = {
    options,
    adopt: (css) => adoptStyles(shadow, css),
    container: panel,
    site,
    close: () => setOpen(false, true),
    unread: (count) => launcher.setUnread(open ? 0 : count),
    message: (message) => emit('message', message),
    state: (name) => emit('state', name),
  }

  function mount(): Promise<void> {
    if (mounting) return mounting
    launcher.setBusy(true)
    mounting = load()
      .then((module) => {
        // Destroyed while the chat was loading: it never starts.
        if (gone) return
        chat = module.mount(chatHost)
        chat.setOpen(open, focusOnMount)
      })
      .catch((error: unknown) => {
        mounting = null
        warn('could not load the chat', error)
      })
      .finally(() => launcher.setBusy(false))
    return mounting
  }

  // The greeting beside the launcher: shown after its delay with an unread badge and the title flag,
  // all without loading the chat; remembered for the browser session once the visitor acts on it.
  let greetTimer: ReturnType<typeof setTimeout> | undefined
  let pageTitle: string | null = null
  function greet(text: string, delay: number): void {
    if (greeted(options.proxy) || hasOngoingSession(options.proxy)) return
    clearTimeout(greetTimer)
    greetTimer = setTimeout(() => {
      if (open || chat) return
      // Opened from the greeting, the chat shows it inside as its first words.
      options.greeting = text
      greeting.show(text)
      launcher.setUnread(1)
      pageTitle ??= document.title
      document.title = `(1) ${pageTitle}`
    }, delay * 1000)
  }
  /** `acted`: the visitor closed the greeting or opened the chat while it showed. */
  function endGreeting(acted: boolean): void {
    clearTimeout(greetTimer)
    if (pageTitle === null) return
    if (acted) greeted(options.proxy, true)
    if (greeting.box.contains(shadow.activeElement)) launcher.button.focus()
    greeting.hide()
    launcher.setUnread(0)
    // Unless the page has set a title of its own meanwhile.
    if (document.title === `(1) ${pageTitle}`) document.title = pageTitle
    pageTitle = null
  }

  function setOpen(next: boolean, focus: boolean): void {
    if (next === open) return
    endGreeting(false)
    const focusInside = shadow.activeElement !== null && shadow.activeElement !== launcher.button
    open = next
    panel.hidden = !open
    launcher.setOpen(open)
    if (open) launcher.setUnread(0)
    rememberOpen(options.proxy, open)
    emit(open ? 'open' : 'close')
    focusOnMount = focus
    if (chat) chat.setOpen(open, focus)
    else if (open) {
      void mount()
      // Until the chat draws its message box, what the visitor types goes into the window itself,
      // which the chat then takes: no keystroke lost, and Space no longer presses the launcher.
      if (focus) {
        panel.contentEditable = 'true'
        panel.focus()
      }
    }
    // Focus was in the window that just closed: give it back to what opened it.
    if (!open && focusInside) launcher.button.focus()
  }

  // A conversation another tab starts: this tab takes it up too (its unread count, its title flag).
  // Any key will do: the check reads one, and a chat already there is not loaded again.
  const adopt = () => hasOngoingSession(options.proxy) && mount()
  addEventListener('storage', adopt)

  const toggle = () => setOpen(!open, true)
  // The visitor acts on the greeting: the launcher, the greeting's text (opens), its close button, Escape.
  const act = (opening?: boolean) => {
    endGreeting(true)
    if (opening !== undefined) setOpen(opening || !open, true)
  }
  launcher.button.addEventListener('click', () => act(false))
  greeting.text.addEventListener('click', () => act(true))
  greeting.close.addEventListener('click', () => act())
  root.addEventListener('keydown', (event) => event.key === 'Escape' && act())
  const prefetch = () => void load().catch(() => {})
  // Intent, not page load: the pointer on the launcher or on the greeting, which opens the chat too
  // (a finger too: touch fires pointerenter before touchstart), or focus. Each time: a fetch that
  // failed is asked for again.
  for (const button of [launcher.button, greeting.text])
    for (const type of ['pointerenter', 'focus']) button.addEventListener(type, prefetch)

  return {
    setOpen,
    toggle,
    identify: () => chat?.identify(),
    reset() {
      // Signed for the customer who just logged out: no one's now (a later init reads data-* again).
      delete options.attributes.identity
      chat?.reset()
    },
    preload: () => void mount(),
    greet,
    /** The launcher's listeners go with its nodes; the chat stops its stream, calls, timers and listeners. */
    destroy() {
      gone = true
      endGreeting(false)
      removeEventListener('storage', adopt)
      host.remove()
      chat?.destroy()
      chat = null
    },
  }
}

function start(): void {
  try {
    boot()
  } catch (error) {
    warn('could not start', error)
  }
}

if (document.body) start()
else document.addEventListener('DOMContentLoaded', start, { once: true })
