/**
 * The lazily loaded chat: wires the proxy transport, the session store and the conversation model,
 * and renders ChatWindow into the loader's panel. Everything the host page sees goes through `host`.
 */
import { effect, signal } from '@preact/signals'
import { render } from 'preact'
import type { ChatHandle, ChatHost } from '../contract.ts'
import { createConversationModel } from '../conversation/model.ts'
import type { Transport } from '../conversation/ports.ts'
import { loadLanguage, t } from '../i18n/text.ts'
import { whileAway } from '../tabs/away.ts'
import { exclusive } from '../tabs/exclusive.ts'
import { broadcastChannel, shareStream } from '../tabs/share-stream.ts'
import { createApi } from '../transport/api.ts'
import { nativeFetch, openEventStream } from '../transport/events.ts'
import { createServerClock } from '../transport/server-clock.ts'
import { createSessionStore, watchSession } from '../transport/session.ts'
import { createUploader } from '../transport/upload.ts'
import { adoptStyles } from '../ui/adopt-styles.ts'
import { ChatWindow } from '../ui/ChatWindow.tsx'
import { CrashGuard } from '../ui/CrashGuard.tsx'
import { chatCss } from '../ui/styles.ts'
import { warn } from '../warn.ts'
import { newClientId } from './client-id.ts'
import { narrowQuery } from './narrow.ts'
import type { PhoneModal } from './phone-modal.ts'
import { mergeProfiles } from './profile.ts'
import { identityDetails, readChatAttributes } from './site-options.ts'
import type { UnavailableView } from './unavailable-part.tsx'

/**
 * What the agent (and zChat, which echoes it on every trigger) sees of the page's address. By
 * default no query or fragment: they carry password-reset, checkout and session tokens.
 */
function pageAddress(mode: 'path' | 'full'): string {
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

export function mount(host: ChatHost): ChatHandle {
  const { options } = host
  const base = options.proxy
  adoptStyles(host.shadow, chatCss)
  const site = readChatAttributes(options.attributes)
  if (site.problems.length > 0) warn(`ignoring ${site.problems.join(', ')}; using defaults`)
  // `zchat('identify', {identity})` wins over data-identity: it can be the fresher of the two.
  const identity = () => mergeProfiles(host.profile).identity ?? site.identity
  const identify = () => {
    const { identity: given, ...details } = mergeProfiles(host.profile)
    model.identify({ ...details, ...identityDetails(given ?? site.identity) })
  }

  // Every proxy response, the event stream's first, updates the estimate of the proxy's clock.
  const clock = createServerClock()
  const transport: Transport = {
    ...createApi(base, clock.fetch),
    // One stream for all the browser's tabs (tabs/share-stream.ts); XHR when the page's fetch is a polyfill.
    subscribe: shareStream(
      (auth, handlers, after) =>
        openEventStream(
          { base, auth, after, ...(nativeFetch() && { fetch: clock.fetch }) },
          handlers,
        ),
      broadcastChannel(`zchat:${base}`),
    ),
    serverNow: clock.now,
    upload: createUploader(base),
  }
  const session = createSessionStore(base)
  const where = () => ({
    ...(options.department !== undefined && { department: options.department }),
    ...(options.pageUrl !== 'none' && {
      page: {
        url: pageAddress(options.pageUrl).slice(0, 2048),
        ...(document.title.trim() && { title: document.title.trim().slice(0, 300) }),
      },
    }),
  })
  // Opening hours are read by their own chunk, only on sites that set them.
  let isClosedNow: (() => boolean) | null = null
  // Worded when shown: the language's chunk may arrive after the hours'.
  let openingHours: (() => string) | undefined
  const away = whileAway({ base, sound: options.attributes.sound })
  const model = createConversationModel({
    transport,
    session,
    startContext: async () => ({
      ...where(),
      ...(await siteExtra(options.attributes.extra, host.extra)),
      ...(identity() && { identity: identity() }),
      ...(await captchaToken(host.captcha)),
    }),
    newClientId,
    prechat: site.prechat,
    onAgentMessage: (message) => {
      host.message(message)
      void away.agentMessage()
    },
    exclusive: exclusive(`zchat:start:${base}`),
    onPhase: host.state,
    isClosed: () => isClosedNow?.() ?? false,
    isOffline: () => !navigator.onLine,
  })
  if (options.hours) {
    void import('../conversation/opening-hours.ts').then(
      ({ isOpen, readSchedule, zoneCity }) => {
        const schedule = readSchedule(options.hours, options.timeZone, warn)
        if (!schedule) return
        // On the proxy's clock once a reply has measured it (a visitor's may be off by hours).
        isClosedNow = () => !isOpen(schedule.hours, schedule.timeZone, transport.serverNow())
        openingHours = () => t.hoursIn(schedule.hours.label, zoneCity(schedule.timeZone))
        model.checkHours()
      },
      (error: unknown) => warn('could not load the opening hours', error),
    )
  }
  // The leave-a-message part, loaded the first time no agent can chat.
  const unavailable = signal<UnavailableView | null>(null)
  let loadingUnavailable = false
  effect(() => {
    if (model.phase.value.name !== 'unavailable' || loadingUnavailable) return
    loadingUnavailable = true
    import('./unavailable-part.tsx').then(
      ({ createUnavailablePart }) => {
        unavailable.value = createUnavailablePart({
          model,
          transport,
          context: where,
          conversationId: () => session.load()?.conversationId,
          openingHours: openingHours?.(),
        })
      },
      (error: unknown) => {
        loadingUnavailable = false
        warn('could not load the leave-a-message form', error)
      },
    )
  })
  identify()
  addEventListener('online', model.backOnline)
  effect(() => host.unread(model.unread.value))
  model.restore()
  watchSession(base, model.sessionChanged)
  // Read means shown: the window open on a page the visitor is looking at.
  const showing = () => model.setVisible(open && !document.hidden)
  document.addEventListener('visibilitychange', showing)
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
        phone ??= createPhoneModal(host.container, modal)
        phone.setOpen(open)
      },
      (error: unknown) => warn('could not load the phone layout', error),
    )
  if (narrow.matches) void loadPhone()
  else narrow.addEventListener('change', () => void loadPhone(), { once: true })
  // The language's sentences first (a chunk of their own, unless English): no English flash.
  const draw = () =>
    render(
      <CrashGuard title={options.title ?? t.title}>
        <ChatWindow
          model={model}
          unavailable={unavailable}
          options={options}
          modal={modal}
          focusRequest={focusRequest}
          onClose={host.close}
        />
      </CrashGuard>,
      host.container,
    )
  loadLanguage(options.lang).then(draw, (error: unknown) => {
    warn('could not load the language; showing English', error)
    draw()
  })

  return {
    setOpen(next, focus) {
      open = next
      showing()
      phone?.setOpen(next)
      if (next && focus) focusRequest.value++
    },
    identify,
  }
}
