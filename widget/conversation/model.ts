/**
 * The conversation as signals and actions over the pure machine. Components read the signals and
 * call the actions; every side effect (proxy calls, the event stream, storage) goes through the
 * injected transport and session store (ports.ts), so tests drive it all with fakes.
 */
import { batch, computed, signal } from '@preact/signals'
import type { StartBody, TranscriptRequestBody, VisitorProfile } from '../../protocol/schemas.ts'
import type { AnsweredOn, LoggedEvent, Mood } from '../../protocol/wire.ts'
import { limits } from '../../protocol/wire.ts'
import { createTypingExpiry } from './agent-typing.ts'
import { createAttachment } from './attachment.ts'
import { type AgentMessage, createAttention } from './attention.ts'
import { createEnding } from './ending.ts'
import { classify, refusalOf, retryAfter, type SendRefusal } from './failure.ts'
import {
  type Conversation,
  canCompose,
  initialConversation,
  type MachineEvent,
  type PhaseName,
  transition,
} from './machine.ts'
import { createOutbox } from './outbox.ts'
import type {
  Credentials,
  SessionStore,
  StartLock,
  StoredSession,
  StreamStatus,
  Transport,
} from './ports.ts'
import { createPrechat, defaultPrechat, type PrechatSettings } from './prechat.ts'
import { createRating } from './rating.ts'
import type { Entry, Media, VisitorEntry } from './transcript.ts'
import { createTypingNotifier } from './typing.ts'
import { cleanProfile } from './visitor-profile.ts'

export type { AgentMessage }

export type ConversationDeps = {
  transport: Transport
  session: SessionStore
  /** Department and page for the start request; the visitor's profile is added from the form. */
  /** What the start carries besides the visitor; may wait (for a CAPTCHA token from the page). */
  startContext(): Omit<StartBody, 'visitor'> | Promise<Omit<StartBody, 'visitor'>>
  newClientId(): string
  /** The site's pre-chat form (`data-prechat`, consent); name and email, optional, by default. */
  prechat?: PrechatSettings
  /** Reports to the host page's `zchat('on', ...)` listeners. */
  onAgentMessage?(message: AgentMessage): void
  onPhase?(name: PhaseName): void
  /** Outside the site's opening hours now (opening-hours.ts); never, by default. */
  isClosed?(): boolean
  /** The browser is offline (`!navigator.onLine`); never, by default. */
  isOffline?(): boolean
  /** One start at a time across the browser's tabs; none without Web Locks: each starts its own. */
  exclusive?: StartLock | undefined
  /**
   * Which signed customer the page speaks for now (a digest, chat/identity.ts), if it does: a
   * conversation is stored with it, and one stored for another customer is forgotten, not shown.
   */
  owner?(): string | undefined
}

/**
 * Why the visitor's last message was not sent, said by ui/AlertLine.tsx: offline (sent again when the
 * browser is back online), busy (the proxy's Retry-After, in seconds), refused for good (no Retry)
 * or any other failure.
 */
export type SendProblem =
  | { kind: 'offline' }
  | { kind: 'busy'; seconds: number }
  | { kind: 'refused'; why: SendRefusal }
  | { kind: 'error' }

function describeFailure(error: unknown, offline: boolean): SendProblem {
  const kind = classify(error)
  if (kind === 'busy')
    return { kind, seconds: Math.max(1, Math.ceil((retryAfter(error) ?? 0) / 1000)) }
  return kind === 'retryable' && offline ? { kind: 'offline' } : { kind: 'error' }
}

/** Transient trouble shown above the composer, in the visitor's words by ui/AlertLine.tsx. */
export type Alert = 'end-failed' | 'too-long'

export type ConversationModel = ReturnType<typeof createConversationModel>

export function createConversationModel(deps: ConversationDeps) {
  const { transport, session, exclusive: lock } = deps
  const state = signal<Conversation>(initialConversation)
  const connection = signal<StreamStatus | 'closed'>('closed')
  const profile = signal<VisitorProfile>({})
  const draft = signal('')
  const alert = signal<Alert | null>(null)
  const sendProblem = signal<SendProblem | null>(null)
  const offline = () => deps.isOffline?.() ?? false
  const phase = computed(() => state.value.phase)
  const prechat = createPrechat(deps.prechat ?? defaultPrechat, profile)
  /** Where the agent answers, when not here: the visitor's WhatsApp or SMS. */
  const answeredOn = signal<AnsweredOn | null>(null)

  let auth: Credentials | null = null
  /** The conversation a new one follows, so the proxy can show its agent the earlier history. */
  let previous: Credentials | null = null
  let closeStream: (() => void) | null = null
  /** Moves on with each reset: a start still in flight from before keeps nothing. */
  let generation = 0
  const attention = createAttention(session, deps.onAgentMessage)
  const agentTyping = createTypingExpiry(() => dispatch({ type: 'typing-expired' }), {
    now: () => transport.serverNow(),
  })

  function dispatch(event: MachineEvent): void {
    const before = state.value.phase
    state.value = transition(state.value, event)
    const after = state.value.phase
    if (after === before) return
    if (after.name === 'finished' && auth) {
      session.update({ finished: true })
      lock?.clear()
    }
    if (after.name !== 'chatting' && after.name !== 'queued') typing.stop()
    if (after.name !== 'chatting' || !after.agentTyping) agentTyping.stop()
    if (after.name === 'failed' && after.reason === 'gone') forget()
    if (after.name !== before.name) deps.onPhase?.(after.name)
  }

  const typing = createTypingNotifier({
    typing: () => auth && transport.typing(auth).catch(ignore),
    cleared: () => auth && transport.cleared(auth).catch(ignore),
  })

  let outbox = newOutbox()
  function newOutbox() {
    return createOutbox({
      ready: () => auth !== null,
      pending: () => state.value.transcript.filter(isSending),
      post: async (entry) => {
        if (!auth) throw new Error('no conversation')
        const { clientId, text } = entry
        const upload = entry.media && (await attachment.upload(auth, clientId))
        return transport.send(auth, { clientId, text, ...(upload && { upload }) })
      },
      sent: (clientId, messageId) =>
        batch(() => {
          sendProblem.value = null
          dispatch({ type: 'delivery', clientId, delivery: 'sent', messageId })
          attachment.sent(clientId)
        }),
      failed: (clientId, error) =>
        batch(() => {
          const why = refusalOf(error)
          // Its file, not uploaded, was sniffed too big or of a type the proxy does not take: the
          // preview's refusal already says so (with the sizes), so no second alert says it again.
          sendProblem.value = !why
            ? describeFailure(error, offline())
            : attachment.refusal.value && clientId in attachment.progress.value
              ? null
              : { kind: 'refused', why }
          dispatch({ type: 'delivery', clientId, delivery: why ? 'refused' : 'failed' })
        }),
      offline,
      halted: (kind) =>
        batch(() => {
          if (kind === 'gone') return dispatch({ type: 'fail', reason: 'gone' })
          dispatch({ type: 'finished', by: 'agent' })
          for (const entry of state.value.transcript.filter(isSending)) {
            dispatch({ type: 'delivery', clientId: entry.clientId, delivery: 'failed' })
          }
        }),
    })
  }

  function receive(event: LoggedEvent): void {
    batch(() => {
      const before = state.value
      dispatch(event)
      // Only a `typing` the machine applied (not a replay it ignored) restarts the window.
      if (event.type === 'typing' && state.value !== before) agentTyping.typing(event.at)
      attention.received(event)
    })
  }

  function listen({ conversationId, credential, answeredOn: elsewhere }: StoredSession): void {
    auth = { conversationId, credential }
    answeredOn.value = elsewhere ?? null
    closeStream?.()
    closeStream = transport.subscribe(auth, {
      onEvent: receive,
      onStatus: (status) => {
        connection.value = status
      },
      onGone: () => dispatch({ type: 'fail', reason: 'gone' }),
      onReset: () => dispatch({ type: 'gap' }),
    })
  }

  /** Before a chat starts, outside opening hours: the window offers to leave a message instead. */
  function checkHours(): void {
    if (state.value.phase.name === 'prechat' && deps.isClosed?.()) dispatch({ type: 'closed' })
  }

  /** Started by a signed customer other than the one the page speaks for now. */
  function another(stored: StoredSession | null | undefined): boolean {
    const owner = deps.owner?.()
    return !!stored?.owner && !!owner && stored.owner !== owner
  }

  /**
   * The stored conversation, unless a signed customer started it and the page now speaks for
   * another one (the next person at a shared computer): then it is forgotten in every tab.
   */
  function ours(): StoredSession | null {
    const stored = session.load()
    if (!another(stored)) return stored
    session.forgetEverywhere()
    wipe()
    return null
  }

  /** Back to a new visitor's window: nothing of the conversation, nor of the visitor, stays. */
  function wipe(): void {
    generation++
    previous = null
    startAfresh()
    batch(() => {
      profile.value = {}
      prechat.known.value = {}
      prechat.consent.value = false
    })
  }

  /** Leaves the conversation for the form of a new one. */
  function startAfresh(): void {
    outbox.stop()
    attachment.reset()
    forget()
    batch(() => {
      dispatch({ type: 'reset' })
      draft.value = ''
      alert.value = null
      sendProblem.value = null
      ending.cancel()
      prechat.reset()
      attention.reset()
      rating.reset()
    })
    outbox = newOutbox()
    checkHours()
  }

  /** Resume the stored conversation: after a reload, or the one another tab started. */
  function resume(stored: StoredSession): void {
    attention.restore(stored)
    dispatch({ type: 'resume' })
    listen(stored)
  }

  function forget(): void {
    closeStream?.()
    closeStream = null
    auth = null
    answeredOn.value = null
    connection.value = 'closed'
    session.clear()
    lock?.clear()
  }

  async function start(): Promise<void> {
    dispatch({ type: 'start' })
    if (state.value.phase.name !== 'starting') return
    const visitor = cleanProfile(profile.value)
    const at = generation
    try {
      const context = { ...(await deps.startContext()), ...prechat.choice.value?.context() }
      if (state.value.phase.name !== 'starting') return
      const begin = async () => {
        // Another tab started one meanwhile: this tab's first message goes there.
        const started = session.load()
        if (started && !started.finished && !another(started)) return started
        // Its save may not be in this tab's storage yet: the lock keeps it (tabs/exclusive.ts). A
        // tab the site did not reset may still hold another customer's: that one is not joined.
        const handed = await lock?.load()
        if (handed && handed.conversationId !== started?.conversationId && !another(handed))
          return handed
        const reply = await transport.start({
          ...context,
          ...(visitor && { visitor }),
          ...(previous && { previous }),
        })
        const owner = deps.owner?.()
        const stored = { ...reply, finished: false, readId: 0, seenId: 0, ...(owner && { owner }) }
        // Reset meanwhile (the site's logout): whoever comes next does not get it.
        if (generation === at) {
          session.save(stored)
          await lock?.save(stored)
        }
        return stored
      }
      const stored = await (lock ? lock.run(begin) : begin())
      if (state.value.phase.name !== 'starting' || generation !== at) return
      previous = null
      attention.restore(stored)
      listen(stored)
      dispatch({ type: 'started' })
      outbox.flush()
    } catch (error) {
      const kind = classify(error)
      dispatch({
        type: 'fail',
        reason: kind === 'busy' ? 'busy' : kind === 'retryable' ? 'offline' : 'rejected',
      })
    }
  }

  const ending = createEnding({
    finish: async () => {
      if (!auth) return false
      await transport.finish(auth)
      return true
    },
    dispatch,
    setFailed: (failed) => {
      alert.value = failed ? 'end-failed' : null
    },
  })

  /** Adds the visitor's message; in prechat the first one starts the conversation. */
  function compose(text: string, clientId: string, media?: Media): boolean {
    if (!canCompose(phase.value)) return false
    if (text.length > limits.textLength) {
      alert.value = 'too-long'
      return false
    }
    if (phase.value.name === 'prechat' && !prechat.check()) return false
    batch(() => {
      alert.value = null
      dispatch({
        type: 'compose',
        clientId,
        text,
        at: new Date().toISOString(),
        ...(media && { media }),
      })
    })
    typing.stop()
    if (phase.value.name === 'prechat') void start()
    else outbox.flush()
    return true
  }

  const attachment = createAttachment({
    transport,
    dispatch,
    compose,
    newClientId: deps.newClientId,
  })

  const rating = createRating({
    phase,
    send: async (body) => {
      if (!auth) throw new Error('no conversation')
      await transport.rate(auth, body)
    },
    dispatch,
  })

  return {
    state,
    phase,
    connection,
    profile,
    draft,
    alert,
    sendProblem,
    confirmingEnd: ending.confirming,
    unread: attention.unread,
    prechat,
    rating: rating.signals,
    attachment,
    transcript: computed(() => state.value.transcript),
    answeredOn,
    /** The visitor can write (and retry failed messages), unless the agent answers on their phone. */
    composable: computed(() => canCompose(phase.value) && !answeredOn.value),

    /** Resume the stored conversation, if any, else get ready for a new one. Called once at mount. */
    restore(): void {
      const stored = ours()
      if (!stored) {
        dispatch({ type: 'open' })
        checkHours()
        return
      }
      resume(stored)
    },

    /**
     * Another tab changed the stored session: it read messages, or started a conversation, which
     * this tab joins unless it has one going on itself, or another signed customer's it is (a page
     * the site did not reset, still open or unloading: never shown to the one signed in here).
     */
    sessionChanged(): void {
      const stored = session.load()
      if (!stored || another(stored)) return
      if (stored.conversationId === auth?.conversationId) attention.readElsewhere(stored.readId)
      // From the form or an ended chat only: never over a conversation going on, a first message
      // that failed to start one, a rating being sent or a message being left.
      else if (!stored.finished && joinable.has(phase.value.name)) {
        outbox.stop()
        attachment.reset()
        closeStream?.()
        auth = null
        batch(() => {
          dispatch({ type: 'reset' })
          ending.cancel()
          attention.reset()
          rating.reset()
          resume(stored)
        })
        outbox = newOutbox()
      }
    },

    /** Closed now? Asked again once the site's opening hours are read. */
    checkHours,

    setVisible(open: boolean): void {
      attention.setVisible(open, state.value.lastEventId)
      // The page may have stayed open past closing time.
      if (open) checkHours()
    },

    setProfile(patch: Partial<VisitorProfile>): void {
      profile.value = { ...profile.value, ...patch }
    },

    /**
     * What the site knows of the visitor: fills the form, and may make it unnecessary. Another
     * signed customer than the stored conversation's: that one is forgotten first.
     */
    identify(known: VisitorProfile): void {
      ours()
      batch(() => {
        profile.value = { ...profile.value, ...known }
        prechat.known.value = { ...prechat.known.value, ...known }
      })
    },

    setDraft(text: string): void {
      draft.value = text
      if (alert.value === 'too-long' && text.length <= limits.textLength) alert.value = null
      if (auth && (phase.value.name === 'chatting' || phase.value.name === 'queued'))
        typing.input(text)
    },

    /**
     * Send the draft, with the file waiting in the preview if there is one: the draft is its
     * caption, one message. In prechat the first message starts the conversation.
     */
    send(): void {
      const text = draft.value.trim()
      batch(() => {
        const sent = attachment.staged.value
          ? attachment.send(text)
          : text !== '' && compose(text, deps.newClientId())
        if (sent) draft.value = ''
      })
    },

    retry(clientId: string): void {
      if (!canCompose(phase.value)) return
      batch(() => {
        sendProblem.value = null
        dispatch({ type: 'delivery', clientId, delivery: 'sending' })
      })
      outbox.flush()
    },

    /** Takes a refused message out of the log: sending it again would be refused again. */
    remove(clientId: string): void {
      batch(() => {
        attachment.discard(clientId)
        if (sendProblem.value?.kind === 'refused') sendProblem.value = null
        attachment.refusal.value = null
        dispatch({ type: 'discard', clientId })
      })
    },

    /** The browser is online again: what failed because it was offline goes now, in order. */
    backOnline(): void {
      if (sendProblem.value?.kind !== 'offline' || !canCompose(phase.value)) return
      batch(() => {
        sendProblem.value = null
        for (const entry of state.value.transcript) {
          if (entry.kind === 'visitor' && entry.delivery === 'failed')
            dispatch({ type: 'delivery', clientId: entry.clientId, delivery: 'sending' })
        }
      })
      outbox.flush()
    },

    /** After a retryable failure to start. */
    tryAgain(): void {
      void start()
    },

    requestEnd: ending.request,
    cancelEnd: ending.cancel,
    confirmEnd: ending.confirm,

    chooseMood: (mood: Mood) => rating.choose(mood),
    setComment: (text: string) => rating.setComment(text),
    sendRating: () => rating.submit(),

    /** What the proxy lets visitors do: after the chat, whether a transcript goes by e-mail. */
    config: () => transport.config(),

    /** Asks the site to e-mail the ended conversation's transcript. */
    async requestTranscript(body: TranscriptRequestBody): Promise<void> {
      if (!auth) throw new Error('no conversation')
      await transport.requestTranscript(auth, body)
    },

    /**
     * Erases the ended conversation where it is kept, the proxy and this browser (the stored
     * session, the window's messages); nothing of it is carried into a new chat.
     */
    async erase(): Promise<void> {
      if (auth) await transport.erase(auth)
      attachment.reset()
      previous = null
      forget()
      batch(() => {
        dispatch({ type: 'erased' })
        attention.reset()
      })
    },

    startNew(): void {
      if (auth) previous = auth
      startAfresh()
    },

    /**
     * `zchat('reset')`, here or in another tab: the conversation is closed and forgotten (the page
     * has already cleared the stored one), and the window shows what a new visitor sees. The
     * next conversation carries nothing of it.
     */
    reset: wipe,

    dispose(): void {
      outbox.stop()
      attachment.reset()
      typing.stop()
      agentTyping.stop()
      closeStream?.()
      lock?.clear()
    },
  }
}

/** Phases a tab leaves for the conversation another tab started. */
const joinable = new Set<PhaseName>(['idle', 'prechat', 'finished', 'rated'])

function isSending(entry: Entry): entry is VisitorEntry {
  return entry.kind === 'visitor' && entry.delivery === 'sending'
}

function ignore(): void {}
