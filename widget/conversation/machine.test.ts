import { describe, expect, it } from 'vitest'
import {
  type Conversation,
  initialConversation,
  type MachineEvent,
  type Phase,
  type PhaseName,
  transition,
} from './machine.ts'

const phases: Record<PhaseName, Phase> = {
  idle: { name: 'idle' },
  prechat: { name: 'prechat' },
  starting: { name: 'starting' },
  queued: { name: 'queued', position: 3 },
  chatting: { name: 'chatting', agentName: 'Ana', agentTyping: false },
  finished: { name: 'finished', rating: 'open' },
  rating: { name: 'rating', mood: 'positive' },
  rated: { name: 'rated', mood: 'positive' },
  unavailable: { name: 'unavailable', reason: 'no-agents' },
  failed: { name: 'failed', reason: 'offline', retryable: true },
}

const at = '2025-01-01T10:00:00.000Z'
const events = {
  open: { type: 'open' },
  resume: { type: 'resume' },
  start: { type: 'start' },
  started: { type: 'started' },
  failOffline: { type: 'fail', reason: 'offline' },
  failGone: { type: 'fail', reason: 'gone' },
  rate: { type: 'rate', mood: 'negative' },
  ratingFailed: { type: 'rating-failed' },
  ratingRefused: { type: 'rating-refused' },
  typingExpired: { type: 'typing-expired' },
  closed: { type: 'closed' },
  reset: { type: 'reset' },
  queued: { type: 'queued', position: 1 },
  accepted: { type: 'accepted' },
  unavailable: { type: 'unavailable' },
  typing: { type: 'typing' },
  cleared: { type: 'cleared' },
  finished: { type: 'finished', by: 'agent' },
  rated: { type: 'rated', mood: 'negative' },
  agentMessage: { type: 'message', author: 'agent', messageId: 'm1', text: 'Hi', agentName: 'Ana' },
} satisfies Record<string, MachineEvent>

type EventName = keyof typeof events
const same = 'same' as const

/** Expected phase name after each event, per phase; `same` means the state object is returned as is. */
const table: Record<PhaseName, Record<EventName, PhaseName | typeof same>> = {
  idle: {
    open: 'prechat',
    resume: 'starting',
    start: 'starting',
    started: same,
    failOffline: same,
    failGone: same,
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: same,
    typing: same,
    cleared: same,
    finished: same,
    rated: same,
    agentMessage: 'idle',
  },
  prechat: {
    open: same,
    resume: 'starting',
    start: 'starting',
    started: same,
    failOffline: same,
    failGone: same,
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: 'unavailable',
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: same,
    typing: same,
    cleared: same,
    finished: same,
    rated: same,
    agentMessage: 'prechat',
  },
  starting: {
    open: same,
    resume: same,
    start: same,
    started: 'queued',
    failOffline: 'failed',
    failGone: 'failed',
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: 'queued',
    accepted: 'chatting',
    unavailable: 'unavailable',
    typing: same,
    cleared: same,
    finished: 'finished',
    rated: same,
    agentMessage: 'chatting',
  },
  queued: {
    open: same,
    resume: same,
    start: same,
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: 'queued',
    accepted: 'chatting',
    unavailable: 'unavailable',
    typing: same,
    cleared: same,
    finished: 'finished',
    rated: same,
    agentMessage: 'chatting',
  },
  chatting: {
    open: same,
    resume: same,
    start: same,
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: 'unavailable',
    typing: 'chatting',
    cleared: 'chatting',
    finished: 'finished',
    rated: same,
    agentMessage: 'chatting',
  },
  finished: {
    open: same,
    resume: same,
    start: same,
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: 'rating',
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: 'unavailable',
    typing: same,
    cleared: same,
    finished: same,
    rated: 'rated',
    agentMessage: 'finished',
  },
  rating: {
    open: same,
    resume: same,
    start: same,
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: same,
    ratingFailed: 'finished',
    ratingRefused: 'finished',
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: same,
    typing: same,
    cleared: same,
    finished: same,
    rated: 'rated',
    agentMessage: 'rating',
  },
  rated: {
    open: same,
    resume: same,
    start: same,
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: same,
    typing: same,
    cleared: same,
    finished: same,
    rated: same,
    agentMessage: 'rated',
  },
  unavailable: {
    open: same,
    resume: same,
    start: same,
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: same,
    typing: same,
    cleared: same,
    finished: same,
    rated: same,
    agentMessage: 'unavailable',
  },
  failed: {
    open: same,
    resume: same,
    start: 'starting',
    started: same,
    failOffline: same,
    failGone: 'failed',
    rate: same,
    ratingFailed: same,
    ratingRefused: same,
    typingExpired: same,
    closed: same,
    reset: 'prechat',
    queued: same,
    accepted: same,
    unavailable: same,
    typing: same,
    cleared: same,
    finished: same,
    rated: same,
    agentMessage: 'failed',
  },
}

function inPhase(phase: Phase, lastEventId = 0): Conversation {
  return { phase, transcript: [], lastEventId }
}

describe('transition: every phase x every event', () => {
  for (const [phaseName, row] of Object.entries(table) as [PhaseName, (typeof table)['idle']][]) {
    for (const [eventName, expected] of Object.entries(row) as [EventName, PhaseName | 'same'][]) {
      it(`${phaseName} + ${eventName} -> ${expected}`, () => {
        const before = inPhase(phases[phaseName])
        const after = transition(before, events[eventName])
        if (expected === same) expect(after).toBe(before)
        else expect(after.phase.name).toBe(expected)
      })
    }
  }
})

function run(...list: MachineEvent[]): Conversation {
  return list.reduce(transition, initialConversation)
}

describe("the visitor's data erased", () => {
  it('keeps the ended phase and nothing of what was said', () => {
    const ended: Conversation = {
      phase: phases.rated,
      transcript: [{ kind: 'agent', messageId: 'm1', text: 'Your CPF?', at }, { kind: 'gap' }],
      lastEventId: 7,
    }
    expect(transition(ended, { type: 'erased' })).toEqual({ ...ended, transcript: [] })
  })
})

describe('outside opening hours', () => {
  it('offers to leave a message instead of a chat, but never cuts one short', () => {
    const closed = run({ type: 'open' }, { type: 'closed' })
    expect(closed.phase).toEqual({ name: 'unavailable', reason: 'closed' })
    // The visitor already wrote: the first message is on its way, so the chat goes on.
    const wrote = run({ type: 'open' }, { type: 'compose', clientId: 'c1', text: 'Hi', at })
    expect(transition(wrote, { type: 'closed' })).toBe(wrote)
    // A new chat later checks the hours again.
    expect(transition(closed, { type: 'reset' }).phase).toEqual({ name: 'prechat' })
  })

  it('tells closed hours apart from zChat finding no agent', () => {
    const state = run({ type: 'open' }, { type: 'start' }, { type: 'unavailable', id: 1 })
    expect(state.phase).toEqual({ name: 'unavailable', reason: 'no-agents' })
  })
})

describe('server events, in order and out of it', () => {
  it('goes from prechat to chatting with the agent named by the first message', () => {
    const state = run(
      { type: 'open' },
      { type: 'start' },
      { type: 'started' },
      { type: 'queued', position: 2, id: 1, at },
      { type: 'accepted', id: 2, at },
      {
        type: 'message',
        author: 'agent',
        messageId: 'a1',
        text: 'Hello',
        agentName: 'Ana',
        id: 3,
        at,
      },
    )
    expect(state.phase).toEqual({ name: 'chatting', agentName: 'Ana', agentTyping: false })
    expect(state.transcript).toEqual([
      { kind: 'joined', agentName: 'Ana' },
      { kind: 'agent', messageId: 'a1', text: 'Hello', at, agentName: 'Ana' },
    ])
    expect(state.lastEventId).toBe(3)
  })

  it('ignores queued after accepted', () => {
    const state = run(
      { type: 'resume' },
      { type: 'accepted', id: 1 },
      { type: 'queued', position: 4, id: 2 },
    )
    expect(state.phase.name).toBe('chatting')
  })

  it('treats a duplicated accepted as harmless: one joined line', () => {
    const state = run({ type: 'resume' }, { type: 'accepted', id: 1 }, { type: 'accepted', id: 2 })
    expect(state.transcript).toEqual([{ kind: 'joined' }])
  })

  it('ignores typing after finished', () => {
    const state = run(
      { type: 'resume' },
      { type: 'accepted', id: 1 },
      { type: 'finished', by: 'agent', id: 2 },
      { type: 'typing', id: 3 },
    )
    expect(state.phase).toEqual({ name: 'finished', rating: 'open' })
  })

  it('still shows a late agent message after finished', () => {
    const state = run(
      { type: 'resume' },
      { type: 'accepted', id: 1 },
      { type: 'finished', by: 'agent', id: 2 },
      { type: 'message', author: 'agent', messageId: 'late', text: 'Bye!', id: 3, at },
    )
    expect(state.phase.name).toBe('finished')
    expect(state.transcript.at(-1)).toMatchObject({ kind: 'agent', text: 'Bye!' })
  })

  it('ignores any event whose id it has already applied (a replay after a resume)', () => {
    const once = run(
      { type: 'resume' },
      { type: 'accepted', id: 1 },
      { type: 'message', author: 'agent', messageId: 'a', text: 'x', id: 2 },
    )
    expect(
      transition(once, { type: 'message', author: 'agent', messageId: 'b', text: 'y', id: 2 }),
    ).toBe(once)
    expect(transition(once, { type: 'finished', by: 'agent', id: 1 })).toBe(once)
  })

  it('de-duplicates an agent message seen twice under different ids', () => {
    const state = run(
      { type: 'resume' },
      { type: 'message', author: 'agent', messageId: 'a', text: 'x', id: 1 },
      { type: 'message', author: 'agent', messageId: 'a', text: 'x', id: 2 },
    )
    expect(state.transcript.filter((e) => e.kind === 'agent')).toHaveLength(1)
  })

  it('treats an agent message before accepted as the acceptance', () => {
    const state = run(
      { type: 'resume' },
      { type: 'queued', position: 1, id: 1 },
      { type: 'message', author: 'agent', messageId: 'a', text: 'Hi', id: 2 },
    )
    expect(state.phase.name).toBe('chatting')
    expect(state.transcript[0]).toEqual({ kind: 'joined' })
    expect(transition(state, { type: 'accepted', id: 3 }).transcript).toHaveLength(2)
  })

  it('updates the queue position and accepts an unknown position', () => {
    const state = run(
      { type: 'resume' },
      { type: 'queued', position: 3, id: 1 },
      { type: 'queued', position: null, id: 2 },
    )
    expect(state.phase).toEqual({ name: 'queued', position: null })
  })

  it('stops the typing indicator when the agent message arrives', () => {
    const state = run({ type: 'resume' }, { type: 'accepted', id: 1 }, { type: 'typing', id: 2 })
    expect(state.phase).toMatchObject({ agentTyping: true })
    const after = transition(state, {
      type: 'message',
      author: 'agent',
      messageId: 'a',
      text: 'x',
      id: 3,
    })
    expect(after.phase).toEqual({ name: 'chatting', agentTyping: false })
    expect(transition(state, { type: 'cleared', id: 3 }).phase).toMatchObject({
      agentTyping: false,
    })
  })

  it('lets the typing indicator lapse and keeps the agent name', () => {
    const state = run(
      { type: 'resume' },
      { type: 'message', author: 'agent', messageId: 'a', text: 'x', agentName: 'Ana', id: 1 },
      { type: 'typing', id: 2 },
    )
    expect(state.phase).toMatchObject({ agentTyping: true })
    const lapsed = transition(state, { type: 'typing-expired' })
    expect(lapsed.phase).toEqual({ name: 'chatting', agentName: 'Ana', agentTyping: false })
    expect(lapsed.lastEventId).toBe(2)
    expect(transition(lapsed, { type: 'typing-expired' })).toBe(lapsed)
  })

  it('adds a new joined line when another agent takes over', () => {
    const state = run(
      { type: 'resume' },
      { type: 'accepted', id: 1 },
      { type: 'message', author: 'agent', messageId: 'a', text: 'x', agentName: 'Ana', id: 2 },
      { type: 'message', author: 'agent', messageId: 'b', text: 'y', agentName: 'Bo', id: 3 },
    )
    expect(
      state.transcript.map((e) =>
        e.kind === 'joined'
          ? `joined:${e.agentName}`
          : e.kind === 'agent'
            ? e.messageId
            : e.kind === 'visitor'
              ? e.clientId
              : e.kind,
      ),
    ).toEqual(['joined:Ana', 'a', 'joined:Bo', 'b'])
    expect(state.phase).toMatchObject({ agentName: 'Bo' })
  })

  it('a local finished echo then the server one leaves one finished phase', () => {
    const state = run(
      { type: 'resume' },
      { type: 'accepted', id: 1 },
      { type: 'finished', by: 'visitor' },
      { type: 'finished', by: 'visitor', id: 2 },
    )
    expect(state.phase).toEqual({ name: 'finished', rating: 'open' })
    expect(state.lastEventId).toBe(2)
  })
})

describe('visitor messages', () => {
  const composed = run({ type: 'open' }, { type: 'compose', clientId: 'c1', text: 'Hello', at })

  it('adds a composed message as sending, even before the conversation starts', () => {
    expect(composed.transcript).toEqual([
      { kind: 'visitor', clientId: 'c1', text: 'Hello', at, delivery: 'sending' },
    ])
  })

  it('marks it delivered when the proxy echoes its clientId, without duplicating it', () => {
    const echoed = transition(composed, {
      type: 'message',
      author: 'visitor',
      messageId: 'm1',
      text: 'Hello',
      clientId: 'c1',
      id: 5,
      at,
    })
    expect(echoed.transcript).toEqual([
      { kind: 'visitor', clientId: 'c1', text: 'Hello', at, delivery: 'sent', messageId: 'm1' },
    ])
  })

  it('keeps it sent when a late failure arrives after the echo', () => {
    const echoed = transition(composed, {
      type: 'message',
      author: 'visitor',
      messageId: 'm1',
      text: 'Hello',
      clientId: 'c1',
      id: 5,
    })
    const late = transition(echoed, { type: 'delivery', clientId: 'c1', delivery: 'failed' })
    expect(late.transcript[0]).toMatchObject({ delivery: 'sent' })
  })

  it('matches a reply messageId to a later echo without clientId', () => {
    const replied = transition(composed, {
      type: 'delivery',
      clientId: 'c1',
      delivery: 'sent',
      messageId: 'm1',
    })
    const echoed = transition(replied, {
      type: 'message',
      author: 'visitor',
      messageId: 'm1',
      text: 'Hello',
      id: 1,
    })
    expect(echoed.transcript).toHaveLength(1)
  })

  it('restores visitor messages from the log after a reload', () => {
    const state = run(
      { type: 'resume' },
      {
        type: 'message',
        author: 'visitor',
        messageId: 'm1',
        text: 'Earlier',
        clientId: 'old',
        id: 1,
        at,
      },
    )
    expect(state.transcript).toEqual([
      { kind: 'visitor', clientId: 'old', messageId: 'm1', text: 'Earlier', at, delivery: 'sent' },
    ])
  })

  it('moves between sending and failed for a retry', () => {
    const failed = transition(composed, { type: 'delivery', clientId: 'c1', delivery: 'failed' })
    expect(failed.transcript[0]).toMatchObject({ delivery: 'failed' })
    const retried = transition(failed, { type: 'delivery', clientId: 'c1', delivery: 'sending' })
    expect(retried.transcript[0]).toMatchObject({ delivery: 'sending' })
  })

  it('refuses to compose once the chat has ended', () => {
    const ended = inPhase(phases.finished)
    expect(transition(ended, { type: 'compose', clientId: 'c', text: 'x', at })).toBe(ended)
  })

  it("carries the visitor's file: the local preview, then the proxy's copy once uploaded", () => {
    const local = {
      kind: 'image',
      url: 'blob:x',
      name: 'cat.png',
      type: 'image/png',
      size: 5,
    } as const
    const withFile = run(
      { type: 'open' },
      { type: 'compose', clientId: 'c1', text: '', at, media: local },
    )
    expect(withFile.transcript[0]).toMatchObject({ delivery: 'sending', media: local })
    const copy = { ...local, url: 'https://proxy.test/v1/media/u1' }
    const uploaded = transition(withFile, { type: 'uploaded', clientId: 'c1', media: copy })
    expect(uploaded.transcript[0]).toMatchObject({ delivery: 'sending', media: copy })
  })

  it('discards a message the visitor cancelled, but never one already sent', () => {
    const discarded = transition(composed, { type: 'discard', clientId: 'c1' })
    expect(discarded.transcript).toEqual([])
    const sent = transition(composed, { type: 'delivery', clientId: 'c1', delivery: 'sent' })
    expect(transition(sent, { type: 'discard', clientId: 'c1' }).transcript).toHaveLength(1)
  })

  it("restores the visitor's files from the log after a reload", () => {
    const media = {
      kind: 'file',
      url: 'https://proxy.test/v1/media/u1',
      name: 'a.pdf',
      size: 9,
    } as const
    const state = run(
      { type: 'resume' },
      { type: 'message', author: 'visitor', messageId: 'm1', text: '', media, id: 1, at },
    )
    expect(state.transcript[0]).toMatchObject({ kind: 'visitor', delivery: 'sent', media })
  })

  it('ignores a duplicated compose of the same clientId', () => {
    expect(
      transition(composed, { type: 'compose', clientId: 'c1', text: 'Hello', at }).transcript,
    ).toHaveLength(1)
  })
})

describe('failures, rating and starting over', () => {
  it('marks offline and busy failures retryable, rejected and gone not', () => {
    const starting = inPhase(phases.starting)
    expect(transition(starting, { type: 'fail', reason: 'offline' }).phase).toEqual({
      name: 'failed',
      reason: 'offline',
      retryable: true,
    })
    expect(transition(starting, { type: 'fail', reason: 'busy' }).phase).toEqual({
      name: 'failed',
      reason: 'busy',
      retryable: true,
    })
    expect(transition(starting, { type: 'fail', reason: 'rejected' }).phase).toEqual({
      name: 'failed',
      reason: 'rejected',
      retryable: false,
    })
    expect(transition(starting, { type: 'fail', reason: 'gone' }).phase).toEqual({
      name: 'failed',
      reason: 'gone',
      retryable: false,
    })
  })

  it('cannot retry a failure that is not retryable', () => {
    const gone = inPhase({ name: 'failed', reason: 'gone', retryable: false })
    expect(transition(gone, { type: 'start' })).toBe(gone)
  })

  it('keeps the pending message through a failed start and its retry', () => {
    const failed = run(
      { type: 'open' },
      { type: 'compose', clientId: 'c1', text: 'Hi', at },
      { type: 'start' },
      { type: 'fail', reason: 'offline' },
      { type: 'start' },
    )
    expect(failed.phase.name).toBe('starting')
    expect(failed.transcript).toHaveLength(1)
  })

  it('goes back to finished, flagged, when sending the rating fails', () => {
    const state = run(
      { type: 'resume' },
      { type: 'finished', by: 'agent', id: 1 },
      { type: 'rate', mood: 'positive' },
      { type: 'rating-failed' },
    )
    expect(state.phase).toEqual({ name: 'finished', rating: 'failed' })
    expect(transition(state, { type: 'rate', mood: 'negative' }).phase).toEqual({
      name: 'rating',
      mood: 'negative',
    })
  })

  it('stays finished, and offers no rating again, once the rating was refused for good', () => {
    const state = run(
      { type: 'resume' },
      { type: 'finished', by: 'agent', id: 1 },
      { type: 'rate', mood: 'positive' },
      { type: 'rating-refused' },
    )
    expect(state.phase).toEqual({ name: 'finished', rating: 'refused' })
    expect(transition(state, { type: 'rate', mood: 'negative' })).toBe(state)
    // Another tab's rating got through meanwhile: that is what is true.
    expect(transition(state, { type: 'rated', mood: 'negative', id: 2 }).phase.name).toBe('rated')
  })

  it('ends a chat an agent had taken on unavailable, over an end it had only assumed', () => {
    const chatting = run({ type: 'resume' }, { type: 'accepted', id: 1 })
    expect(transition(chatting, { type: 'unavailable', id: 2 }).phase).toEqual({
      name: 'unavailable',
      reason: 'no-agents',
    })
    // A message answered 409 made the widget assume `finished`; the log's end was `unavailable`.
    const assumed = transition(chatting, { type: 'finished', by: 'agent' })
    expect(transition(assumed, { type: 'unavailable', id: 2 }).phase.name).toBe('unavailable')
    // Once rated, the end stays as it was.
    const rated = run(
      { type: 'resume' },
      { type: 'finished', by: 'agent', id: 1 },
      { type: 'rated', mood: 'positive', id: 2 },
    )
    expect(transition(rated, { type: 'unavailable', id: 3 }).phase).toBe(rated.phase)
  })

  it('takes the rating from the server event too', () => {
    const state = run(
      { type: 'resume' },
      { type: 'finished', by: 'visitor', id: 1 },
      { type: 'rated', mood: 'negative', id: 2 },
    )
    expect(state.phase).toEqual({ name: 'rated', mood: 'negative' })
  })

  it('starts over with an empty transcript and event ids from zero', () => {
    const state = run(
      { type: 'resume' },
      { type: 'accepted', id: 7 },
      { type: 'finished', by: 'agent', id: 8 },
      { type: 'reset' },
    )
    expect(state).toEqual({ phase: { name: 'prechat' }, transcript: [], lastEventId: 0 })
    expect(transition(state, { type: 'queued', position: 1, id: 1 }).phase.name).toBe('prechat')
  })
})
