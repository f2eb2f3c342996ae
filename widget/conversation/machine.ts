/**
 * The conversation lifecycle as one pure function: `transition(state, event) -> state`. Server events
 * can arrive duplicated or out of order (a resumed stream, a local echo racing the proxy's), so every
 * branch ignores what does not fit the current phase instead of trusting the order.
 */
import type { ConversationEvent, Mood } from '../../protocol/wire.ts'
import {
  addAgentMessage,
  addJoined,
  addVisitorDraft,
  addVisitorEcho,
  type Delivery,
  type Entry,
  type Media,
  removeVisitorDraft,
  setDelivery,
  setVisitorMedia,
} from './transcript.ts'

/** Why a conversation could not go on, in the visitor's terms (see ui/FailureNotice.tsx). */
export type FailureReason = 'offline' | 'busy' | 'rejected' | 'gone'

export type Phase =
  | { name: 'idle' }
  | { name: 'prechat' }
  | { name: 'starting' }
  | { name: 'queued'; position: number | null }
  | { name: 'chatting'; agentName?: string; agentTyping: boolean }
  /**
   * `rating`: the form is open, a sending `failed` (try again), or it was `refused` for good (zChat
   * refused it, or it failed too often): said, and not offered again.
   */
  | { name: 'finished'; rating: 'open' | 'failed' | 'refused' }
  | { name: 'rating'; mood: Mood }
  | { name: 'rated'; mood: Mood }
  /** No agent can chat: zChat said so (`no-agents`), or it is outside the site's hours (`closed`). */
  | { name: 'unavailable'; reason: 'no-agents' | 'closed' }
  | { name: 'failed'; reason: FailureReason; retryable: boolean }

export type PhaseName = Phase['name']

export type Conversation = {
  phase: Phase
  transcript: Entry[]
  /** Highest server event id applied; anything at or below it is a replay and is ignored. */
  lastEventId: number
}

/** What the widget itself knows happened (the server's events are ConversationEvent). */
export type LocalEvent =
  | { type: 'open' }
  | { type: 'resume' }
  | { type: 'start' }
  | { type: 'started' }
  | { type: 'fail'; reason: FailureReason }
  | { type: 'compose'; clientId: string; text: string; at: string; media?: Media }
  | { type: 'delivery'; clientId: string; delivery: Delivery; messageId?: string }
  /** The visitor's file reached the proxy (`media` is its copy), or was cancelled before it was sent. */
  | { type: 'uploaded'; clientId: string; media: Media }
  | { type: 'discard'; clientId: string }
  | { type: 'rate'; mood: Mood }
  | { type: 'rating-failed' }
  | { type: 'rating-refused' }
  /** No fresh `typing` for a while: its `cleared` was lost or is late (see agent-typing.ts). */
  | { type: 'typing-expired' }
  /** Outside the site's opening hours (opening-hours.ts): offer to leave a message instead. */
  | { type: 'closed' }
  | { type: 'reset' }
  /** The visitor had the conversation erased (LGPD): the window keeps none of what was said. */
  | { type: 'erased' }
  /**
   * The proxy no longer keeps some events this page has not seen (the conversation outgrew its
   * cap); every event it still keeps follows. What the visitor sees stays, with a note at the gap.
   */
  | { type: 'gap' }

/** A server event, from the stream (with id and time) or echoed locally after a 2xx (without). */
export type ServerEvent = ConversationEvent & { id?: number; at?: string }
export type MachineEvent = LocalEvent | ServerEvent

export const initialConversation: Conversation = {
  phase: { name: 'idle' },
  transcript: [],
  lastEventId: 0,
}

const live = new Set<PhaseName>(['starting', 'queued', 'chatting'])

export function isLive(phase: Phase): boolean {
  return live.has(phase.name)
}

/** Phases in which the visitor can write: before the start (the first message starts it) and live. */
export function canCompose(phase: Phase): boolean {
  return phase.name === 'prechat' || isLive(phase)
}

export function transition(state: Conversation, event: MachineEvent): Conversation {
  if ('id' in event && event.id !== undefined) {
    if (event.id <= state.lastEventId) return state
    return applyServer({ ...state, lastEventId: event.id }, event)
  }
  switch (event.type) {
    case 'open':
      return state.phase.name === 'idle' ? withPhase(state, { name: 'prechat' }) : state
    case 'resume':
      // From the form too, before anything was said there: another tab started the conversation.
      return state.phase.name === 'idle' ||
        (state.phase.name === 'prechat' && state.transcript.length === 0)
        ? withPhase(state, { name: 'starting' })
        : state
    case 'start':
      return canStart(state.phase) ? withPhase(state, { name: 'starting' }) : state
    case 'started':
      return state.phase.name === 'starting'
        ? withPhase(state, { name: 'queued', position: null })
        : state
    case 'fail':
      return applyFailure(state, event.reason)
    case 'compose':
      if (!canCompose(state.phase)) return state
      return {
        ...state,
        transcript: addVisitorDraft(state.transcript, {
          kind: 'visitor',
          clientId: event.clientId,
          text: event.text,
          at: event.at,
          delivery: 'sending',
          ...(event.media && { media: event.media }),
        }),
      }
    case 'delivery':
      return {
        ...state,
        transcript: setDelivery(state.transcript, event.clientId, event.delivery, event.messageId),
      }
    case 'uploaded':
      return {
        ...state,
        transcript: setVisitorMedia(state.transcript, event.clientId, event.media),
      }
    case 'discard':
      return { ...state, transcript: removeVisitorDraft(state.transcript, event.clientId) }
    case 'rate':
      return state.phase.name === 'finished' && state.phase.rating !== 'refused'
        ? withPhase(state, { name: 'rating', mood: event.mood })
        : state
    case 'rating-failed':
    case 'rating-refused':
      return state.phase.name === 'rating'
        ? withPhase(state, {
            name: 'finished',
            rating: event.type === 'rating-failed' ? 'failed' : 'refused',
          })
        : state
    case 'typing-expired':
      return state.phase.name === 'chatting' && state.phase.agentTyping
        ? withPhase(state, { ...state.phase, agentTyping: false })
        : state
    case 'closed':
      // Only before anything was said: a conversation going on is never cut short.
      return state.phase.name === 'prechat' && state.transcript.length === 0
        ? withPhase(state, { name: 'unavailable', reason: 'closed' })
        : state
    case 'reset':
      return { phase: { name: 'prechat' }, transcript: [], lastEventId: 0 }
    case 'erased':
      return { ...state, transcript: [] }
    case 'gap':
      return state.transcript.at(-1)?.kind === 'gap'
        ? state
        : { ...state, transcript: [...state.transcript, { kind: 'gap' }] }
    default:
      return applyServer(state, event)
  }
}

function applyServer(state: Conversation, event: ServerEvent): Conversation {
  const { phase } = state
  switch (event.type) {
    case 'queued':
      return phase.name === 'starting' || phase.name === 'queued'
        ? withPhase(state, { name: 'queued', position: event.position })
        : state
    case 'accepted':
      return phase.name === 'starting' || phase.name === 'queued' ? accept(state) : state
    case 'unavailable':
      // zChat's word, at any time, as the proxy's log takes it: no agent will read what is written
      // now. It also wins over an end the widget assumed from a refused message (a local
      // `finished`): the log holds one end only, and this is it.
      return isLive(phase) || phase.name === 'finished'
        ? withPhase(state, { name: 'unavailable', reason: 'no-agents' })
        : state
    case 'typing':
    case 'cleared':
      return phase.name === 'chatting'
        ? withPhase(state, { ...phase, agentTyping: event.type === 'typing' })
        : state
    case 'finished':
      return isLive(phase) ? withPhase(state, { name: 'finished', rating: 'open' }) : state
    case 'rated':
      return phase.name === 'finished' || phase.name === 'rating'
        ? withPhase(state, { name: 'rated', mood: event.mood })
        : state
    case 'message':
      if (event.author === 'visitor') {
        return { ...state, transcript: addVisitorEcho(state.transcript, event) }
      }
      return receiveAgentMessage(state, event)
  }
}

function receiveAgentMessage(
  state: Conversation,
  event: Extract<ServerEvent, { type: 'message' }>,
): Conversation {
  // An agent writing implies the conversation was accepted, even if `accepted` has not arrived yet.
  const accepted =
    state.phase.name === 'starting' || state.phase.name === 'queued' ? accept(state) : state
  const transcript = addAgentMessage(accepted.transcript, event)
  const { phase } = accepted
  if (phase.name !== 'chatting') return { ...accepted, transcript }
  const chatting: Phase = { name: 'chatting', agentTyping: false }
  const agentName = event.agentName ?? phase.agentName
  if (agentName !== undefined) chatting.agentName = agentName
  return { ...accepted, transcript, phase: chatting }
}

function accept(state: Conversation): Conversation {
  return {
    ...state,
    phase: { name: 'chatting', agentTyping: false },
    transcript: addJoined(state.transcript),
  }
}

function applyFailure(state: Conversation, reason: FailureReason): Conversation {
  const failed: Phase = {
    name: 'failed',
    reason,
    retryable: reason === 'offline' || reason === 'busy',
  }
  // A vanished conversation ends whatever was going on; other failures only concern starting one.
  if (reason === 'gone') {
    return state.phase.name === 'idle' || state.phase.name === 'prechat'
      ? state
      : withPhase(state, failed)
  }
  return state.phase.name === 'starting' ? withPhase(state, failed) : state
}

function canStart(phase: Phase): boolean {
  return (
    phase.name === 'idle' ||
    phase.name === 'prechat' ||
    (phase.name === 'failed' && phase.retryable)
  )
}

function withPhase(state: Conversation, phase: Phase): Conversation {
  return { ...state, phase }
}
