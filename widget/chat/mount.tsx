/**
 * The lazily loaded chat: wires the proxy transport, the session store and the conversation model,
 * and renders ChatWindow into the loader's panel. Everything the host page sees goes through `host`.
 */
import { computed, effect, signal } from '@preact/signals'
import { render } from 'preact'
import type { SignedIdentity } from '../../protocol/schemas.ts'
import { NetworkFailure } from '../conversation/failure.ts'
import { createConversationModel } from '../conversation/model.ts'
import type { OpeningHours } from '../conversation/opening-hours.ts'
import type { Transport } from '../conversation/ports.ts'
import { loadLanguage, t } from '../i18n/text.ts'
import type { ChatHandle, ChatHost } from '../loader-chat-interface.ts'
import { startLockName } from '../storage-keys.ts'
import { exclusive } from '../tabs/exclusive.ts'
import { createApi } from '../transport/api.ts'
import { createServerClock } from '../transport/server-clock.ts'
import { createSessionStore, watchSession } from '../transport/session.ts'
import { ChatWindow } from '../ui/ChatWindow.tsx'
import { CrashGuard } from '../ui/CrashGuard.tsx'
import { PartFailed } from '../ui/PartSlot.tsx'
import { chatCss } from '../ui/styles.ts'
import { warn } from '../warn.ts'
import { newClientId } from './client-id.ts'
import type { Live } from './live-part.ts'
import { narrowQuery } from './narrow.ts'
import { choicePart, endingPart, livePart, prechatPart, setPartsRoot } from './parts.ts'
import type { PhoneModal } from './phone-modal.ts'
import { type PageUrl, readChatAttributes } from './site-options.ts'
import { subscribeWhenLive } from './subscribe-when-live.ts'
import type { UnavailableView } from './unavailable-part.tsx'

/**
 * What the agent (and zChat, which echoes it on every trigger) sees of the page's address. By
 * default no query or fragment: they carry password-reset, checkout and session tokens.
 */
function pageAddress(mode: Exclude<PageUrl, 'none'>): string {
  return mode === 'full' ? location.href : location.origin + location.pathname
}

/**
 * The site's extra (`data-extra`, then the page's `zchat('extra')` calls, which win), checked. Its
 * checks are a chunk of their own, loaded when a conversation starts on a site that gives any.
 */
async function siteExtra(attribute: string | undefined, given: Record<string, unknown>) {
  if (attribute === undefined && Object.keys(given).length === 0) return {}
  const { checkExtra, readExtra } = await import('./extra.ts')
  const { extra, problems } = checkExtra({ ...readExtra(attribute), ...given })
  if (problems.length > 0) warn(`leaving out of the site's extra: ${problems.join('; ')}`)
  return Object.keys(extra).length > 0 ? { extra } : {}
}

/** The page's CAPTCHA token, if it set a way to get one; a failure there leaves it out (the proxy says why). */
async function captchaToken(get: (() => unknown) | null) {
  if (!get) return {}
  try {
    const token: unknown = await get()
    return typeof token === 'string' && token ? { captcha: token.slice(0, 4096) } : {}
  } catch (error) {
    warn("zchat('captcha') failed", error)
    return {}
  }
}

/** The wait before asking again for a chunk that could not be fetched: 1 s, doubling to 30 s. */
const later = (tries: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** tries)))

const endingSoon = new Set<string>(['queued', 'chatting', 'finished', 'rating', 'rated'])
const beforeStart = new Set<string>(['idle', 'prechat'])

export function mount(host: ChatHost): ChatHandle {
  const { options } = host
  const base = options.proxy
  host.adopt(chatCss)
  setPartsRoot(host.adopt)
  const site = readChatAttributes(options.attributes)
  if (site.problems.length > 0) warn(`ignoring ${site.problems.join(', ')}; using defaults`)
  // On the widget's root (.zc), where ui/styles.ts switches its colours: the window and what opens with it.
  const root = host.container.parentElement
  if (root) root.dataset.theme = site.theme
  // data-identity, until `zchat('reset')` says its customer logged out.
  let signedInPage = site.identity
  /** The customer the page speaks for (a digest), as its identity last said. */
  let owner: string | undefined
  /** Whether the page has said anything of the visitor: else there is nothing to read, nor its part. */
  const saysAnything = () => signedInPage !== undefined || host.site().profile.length > 0
  let reader: Promise<typeof import('./identity-part.ts')> | null = null
  /**
   * The part that reads it (identity-part.ts), fetched once, asked for again after a failure: the
   * network's, as a call's would be (a start says so, with Try again).
   */
  const pageSays = () =>
    (reader ??= import('./identity-part.ts').catch((error: unknown) => {
      reader = null
      throw new NetworkFailure('GET', 'identity-part.ts', String(error))
    }))
  /**
   * What the page says of the visitor: `zchat('identify', {identity})` wins over data-identity (it
   * can be the fresher of the two). A function the page gave is asked. Nothing said, nothing to do;
   * else a promise, settled once the page's customer is known (or could not be, when the page's
   * function fails: then anonymous). Until the part that reads it has come, it is not known: asked
   * for again, sooner at first, and a conversation a signed customer started waits (below).
   */
  const identify = (tries = 0): Promise<void> | undefined => {
    if (!saysAnything()) return undefined
    return pageSays().then(
      ({ mergeProfiles, readIdentity, askIdentity }) => {
        const { identity: given = signedInPage, ...details } = mergeProfiles(host.site().profile)
        const apply = (identity?: SignedIdentity) => {
          const read = readIdentity(identity)
          owner = read.owner
          model.identify({ ...details, ...read.details })
        }
        if (typeof given !== 'function') return apply(given)
        return askIdentity(given).then(apply, () => model.identify(details))
      },
      (error: unknown) => {
        warn('could not read what the page says of the visitor', error)
        return later(tries).then(() => (teardown.signal.aborted ? undefined : identify(tries + 1)))
      },
    )
  }
  /** The identity a new conversation starts with: a fresh one from the page's function, if it gave one. */
  const identity = async () => {
    if (!saysAnything()) return undefined
    const { mergeProfiles, askIdentity, readIdentity } = await pageSays()
    const given = mergeProfiles(host.site().profile).identity ?? signedInPage
    const signed = typeof given === 'function' ? await askIdentity(given) : given
    owner = readIdentity(signed).owner
    return signed
  }

  // Every proxy response, the event stream's first, updates the estimate of the proxy's clock.
  // Every call (and the stream) is also aborted by destroy().
  const teardown = new AbortController()
  const clock = createServerClock((input, init) =>
    fetch(input, {
      ...init,
      // Without AbortSignal.any (Safari before 17.4), destroy() leaves calls with a timeout to finish.
      signal:
        init?.signal && 'any' in AbortSignal
          ? AbortSignal.any([init.signal, teardown.signal])
          : (init?.signal ?? teardown.signal),
    }),
  )
  // The stream and what goes with it, from their part (live-part.ts), made once it has come.
  let live: Live | null = null
  const loadLive = () =>
    livePart.load().then(({ createLive }) => {
      const made =
        live ??
        createLive({
          base,
          fetch: clock.fetch,
          sound: options.attributes.sound,
          signal: teardown.signal,
        })
      live = made
      return made
    })
  const transport: Transport = {
    ...createApi(base, clock.fetch, undefined, undefined, teardown.signal),
    subscribe: (auth, handlers) => subscribeWhenLive(loadLive, auth, handlers, teardown.signal),
    serverNow: clock.now,
    // The upload travels with the stream's part: a file is uploaded once the conversation has started.
    upload: (auth, file, upload) =>
      livePart.load().then(({ createUploader }) => createUploader(base)(auth, file, upload)),
  }
  const session = createSessionStore(base)
  const where = () => ({
    ...(site.department !== undefined && { department: site.department }),
    ...(site.pageUrl !== 'none' && {
      page: {
        url: pageAddress(site.pageUrl).slice(0, 2048),
        ...(document.title.trim() && { title: document.title.trim().slice(0, 300) }),
      },
    }),
  })
  // Opening hours are read by their own chunk, only on sites that set them; on a site that offers a
  // choice of department (or channel), the choice reads them, with each department's own.
  let siteHours: OpeningHours | null = null
  const hours = (): OpeningHours | null => model.prechat.choice.value ?? siteHours
  const model = createConversationModel({
    transport,
    session,
    startContext: async () => ({
      ...where(),
      ...(await siteExtra(options.attributes.extra, host.site().extra)),
      ...(await identity().then((signed) => signed && { identity: signed })),
      ...(await captchaToken(host.site().captcha)),
    }),
    newClientId,
    prechat: site.prechat,
    onAgentMessage: (message) => {
      host.message(message)
      void live?.agentMessage()
    },
    exclusive: exclusive(startLockName(base)),
    onPhase: host.state,
    isClosed: () => hours()?.closed() ?? false,
    isOffline: () => !navigator.onLine,
    owner: () => owner,
  })
  if (options.attributes.hours && !site.prechat.choice) {
    void import('../conversation/opening-hours.ts').then(
      ({ readSiteHours }) => {
        // On the proxy's clock once a reply has measured it (a visitor's may be off by hours).
        siteHours = readSiteHours(options.attributes, transport.serverNow, warn)
        model.checkHours()
      },
      (error: unknown) => warn('could not load the opening hours', error),
    )
  }
  // The site's choice of department and channel is a part of its own, fetched at once on a site
  // that offers one (for a new conversation's form, or a chat here instead of on the phone), and
  // offered as soon as it is there: after a failed fetch too, once the window's Try again fetched it.
  const stopChoice = effect(() => {
    const part = choicePart.state.value
    if (part.name === 'ready' && site.prechat.choice)
      part.part.offerChoice(model, options.attributes, site.department, transport.serverNow)
  })
  if (site.prechat.choice) void choicePart.prefetch()
  // The leave-a-message part, loaded the first time no agent can chat.
  const unavailable = signal<UnavailableView | null>(null)
  let loadingUnavailable = false
  const loadUnavailable = () => {
    loadingUnavailable = true
    unavailable.value = null
    import('./unavailable-part.tsx').then(
      ({ createUnavailablePart }) => {
        unavailable.value = createUnavailablePart({
          model,
          transport,
          context: async () => ({ ...where(), ...(await captchaToken(host.site().captcha)) }),
          conversationId: () => session.load()?.conversationId,
          // Worded now: the language's chunk may have arrived after the hours'.
          openingHours: hours()?.describeHours(),
        })
      },
      (error: unknown) => {
        warn('could not load the leave-a-message form', error)
        unavailable.value = () => <PartFailed onRetry={loadUnavailable} />
      },
    )
  }
  const stopUnavailable = effect(() => {
    if (model.phase.value.name === 'unavailable' && !loadingUnavailable) loadUnavailable()
  })
  // The end of a chat (the end-chat question, the rating) is fetched once the visitor is in the
  // queue or an agent took the chat, long before it can be needed; the pre-chat form once a new
  // conversation can begin (mount draws the first one with it). On the phase's name only: a queue
  // position or the agent typing is no reason to fetch a part that failed again.
  const phaseName = computed(() => model.phase.value.name)
  const stopPrefetch = effect(() => {
    const phase = phaseName.value
    if (phase === 'prechat') void prechatPart.prefetch()
    else if (endingSoon.has(phase)) void endingPart.prefetch()
  })
  // The stream's part once the visitor starts writing: it is there by the time the start answers.
  const stopLivePrefetch = effect(() => {
    if (model.draft.value !== '' || !beforeStart.has(phaseName.value)) void livePart.prefetch()
  })
  const asked = identify()
  addEventListener('online', model.backOnline)
  const stopUnread = effect(() => host.unread(model.unread.value))
  // A conversation a signed customer started waits for the page's function to say who is here now:
  // restored then, and not joined from another tab's (or the last page's) writes meanwhile.
  let asking = asked !== undefined
  void asked?.finally(() => {
    asking = false
  })
  if (asked && session.load()?.owner)
    void asked.then(() => teardown.signal.aborted || model.restore())
  else model.restore()
  const changed = () => {
    if (!(asking && session.load()?.owner)) model.sessionChanged()
  }
  watchSession(base, { changed, reset: model.reset }, teardown.signal)
  // Read means shown: the window open on a page the visitor is looking at.
  const showing = () => model.setVisible(open && !document.hidden)
  document.addEventListener('visibilitychange', showing, { signal: teardown.signal })
  // Once per mount: a failure leaves uploads off until the next page load.
  void model.attachment.configure()

  const focusRequest = signal(0)
  // The phone modal's chunk comes once the screen is narrow: now, or when it turns (rotation, resize).
  const modal = signal(false)
  let open = false
  let phone: PhoneModal | null = null
  const narrow = matchMedia(narrowQuery)
  const loadPhone = () =>
    import('./phone-modal.ts').then(
      ({ createPhoneModal }) => {
        if (teardown.signal.aborted) return
        phone ??= createPhoneModal(host.container, modal)
        phone.setOpen(open)
      },
      (error: unknown) => warn('could not load the phone layout', error),
    )
  const turned = () => void loadPhone()
  if (narrow.matches) void loadPhone()
  else narrow.addEventListener('change', turned, { once: true })
  // The language's sentences first (a chunk of their own, unless English): no English flash.
  const draw = () => {
    // Destroyed while the language loaded.
    if (teardown.signal.aborted) return
    // What the visitor typed into the window while the chat loaded starts the message.
    const { container } = host
    const typed = container.textContent ?? ''
    container.removeAttribute('contenteditable')
    container.textContent = ''
    if (typed && model.composable.value) model.setDraft(model.draft.value + typed)
    render(
      <CrashGuard title={site.title ?? t.title}>
        <ChatWindow
          model={model}
          unavailable={unavailable}
          options={{ title: site.title, greeting: options.greeting }}
          modal={modal}
          focusRequest={focusRequest}
          onClose={host.close}
        />
      </CrashGuard>,
      host.container,
    )
  }
  // English is a chunk too (i18n/text.ts): asked for again until it comes, sooner at first.
  const english = (tries: number): Promise<void> =>
    loadLanguage('en').catch(() =>
      later(tries).then(() => (teardown.signal.aborted ? undefined : english(tries + 1))),
    )
  // A new conversation opens on the pre-chat form: it is drawn with the window, never after it.
  const language = loadLanguage(options.lang).catch((error: unknown) => {
    warn('could not load the language; showing English', error)
    return english(0)
  })
  const prechat = model.phase.value.name === 'prechat' ? prechatPart.prefetch() : null
  // What the page said of the visitor fills the form before it is drawn (a function's answer, later).
  const read = saysAnything() ? pageSays().catch(() => {}) : null
  Promise.all([language, prechat, read]).then(draw)

  return {
    setOpen(next, focus) {
      open = next
      showing()
      phone?.setOpen(next)
      if (next && focus) focusRequest.value++
    },
    identify,
    reset() {
      signedInPage = owner = undefined
      model.reset()
    },
    destroy() {
      teardown.abort()
      render(null, host.container)
      model.dispose()
      stopUnavailable()
      stopPrefetch()
      stopLivePrefetch()
      stopChoice()
      stopUnread()
      removeEventListener('online', model.backOnline)
      narrow.removeEventListener('change', turned)
      phone?.destroy()
    },
  }
}
