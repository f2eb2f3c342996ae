/**
 * The emulator's engine: interactions, their department queues and the triggers each change sends.
 *
 * Routes decide whether a change is allowed (the API answers 422, the control API 409); this module
 * only applies it, sends the matching trigger and tells subscribers that something changed.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type {
  Customer,
  HistoryMessage,
  MessageTrigger,
  MessageType,
  Mood,
  mediaTypes,
  StateTrigger,
} from './schemas.ts'

export type InteractionState = 'queued' | 'accepted' | 'finished' | 'unavailable'
export type Agent = { id: number; name: string }
export type ChatMessage = {
  hash: string
  direction: 'CLIENT' | 'AGENT'
  content: string
  type: MessageType
  url: string | null
  at: string
}
/** Only `url` while the GET is in flight; then `messages` or `error`. */
export type HistoryView = {
  url: string
  messages?: HistoryMessage[]
  error?: string
  /** How many times it has been fetched (a fault can make zChat fetch it late, and again). */
  fetches?: number
}

/** Also the view the control API and the console read. */
export type Interaction = {
  hash: string
  state: InteractionState
  departmentId: number
  mediaType: (typeof mediaTypes)[number]
  customer: Customer
  extra: Record<string, unknown>
  position: number | null
  visitorTyping: boolean
  agentTyping: boolean
  agent: Agent | null
  mood: Mood | null
  note: string | null
  tagIds: string[]
  customerKey: string | null
  createdAt: string
  externalHistory: HistoryView | null
  messages: ChatMessage[]
}

export type NewInteraction = Pick<
  Interaction,
  'departmentId' | 'mediaType' | 'customer' | 'extra'
> & {
  externalHistoryUrl: string | null
}
export type NewMessage = { content: string; type: MessageType; url: string | null }
export type RatingPatch = { mood?: Mood; note?: string; tagIds?: string[]; customerKey?: string }
export type SendTrigger = (hash: string, body: StateTrigger | MessageTrigger) => void

/** Shaped like the document's example (`0000a-000b-0c00-0d0e-f00d00f11111`): opaque, not a UUID. */
function createHash(): string {
  const hex = randomBytes(15).toString('hex')
  return [
    hex.slice(0, 5),
    hex.slice(5, 9),
    hex.slice(9, 13),
    hex.slice(13, 17),
    hex.slice(17),
  ].join('-')
}

export type Interactions = ReturnType<typeof createInteractions>

export function createInteractions(send: SendTrigger) {
  // Map order is creation order, which is also queue order within a department.
  const all = new Map<string, Interaction>()
  const listeners = new Set<() => void>()
  let notifyScheduled = false

  // Several changes in one request make one notification.
  function changed(): void {
    if (notifyScheduled) return
    notifyScheduled = true
    queueMicrotask(() => {
      notifyScheduled = false
      for (const listener of listeners) listener()
    })
  }

  function sendState(interaction: Interaction, state: StateTrigger['state']): void {
    const { hash, position, extra } = interaction
    const body: StateTrigger =
      state === 'queued'
        ? { interaction_hash: hash, state, position, extra }
        : { interaction_hash: hash, state, extra }
    send(hash, body)
  }

  function announce(interaction: Interaction, position: number): void {
    interaction.position = position
    sendState(interaction, 'queued')
    changed()
  }

  /** After someone leaves a queue, everyone whose position moved hears the new one. */
  function reannounce(departmentId: number): void {
    let position = 0
    for (const interaction of all.values()) {
      if (interaction.state !== 'queued' || interaction.departmentId !== departmentId) continue
      position += 1
      if (interaction.position !== position) announce(interaction, position)
    }
  }

  function leaveQueue(interaction: Interaction, state: Exclude<InteractionState, 'queued'>): void {
    const wasQueued = interaction.state === 'queued'
    interaction.state = state
    interaction.position = null
    sendState(interaction, state)
    if (wasQueued) reannounce(interaction.departmentId)
    changed()
  }

  return {
    list: (): Interaction[] => [...all.values()],
    get: (hash: string): Interaction | undefined => all.get(hash),

    subscribe(listener: () => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    create(input: NewInteraction): Interaction {
      const { externalHistoryUrl, ...fields } = input
      const ahead = [...all.values()].filter(
        (other) => other.state === 'queued' && other.departmentId === input.departmentId,
      ).length
      const interaction: Interaction = {
        ...fields,
        hash: createHash(),
        state: 'queued',
        position: null,
        visitorTyping: false,
        agentTyping: false,
        agent: null,
        mood: null,
        note: null,
        tagIds: [],
        customerKey: null,
        createdAt: new Date().toISOString(),
        externalHistory: externalHistoryUrl === null ? null : { url: externalHistoryUrl },
        messages: [],
      }
      all.set(interaction.hash, interaction)
      announce(interaction, ahead + 1)
      return interaction
    },

    addMessage(
      interaction: Interaction,
      direction: ChatMessage['direction'],
      message: NewMessage,
    ): ChatMessage {
      const saved: ChatMessage = {
        hash: randomUUID(),
        direction,
        ...message,
        at: new Date().toISOString(),
      }
      interaction.messages.push(saved)
      if (direction === 'CLIENT') {
        // A sent message ends the typing it came from, whether or not the visitor says "cleared".
        interaction.visitorTyping = false
      } else {
        const agent = interaction.agent ?? { id: 111, name: 'Atendente' }
        const { hash, content, type, url } = saved
        send(interaction.hash, {
          interaction_hash: interaction.hash,
          message: { hash, content, type, url },
          agent,
          extra: interaction.extra,
        })
      }
      changed()
      return saved
    },

    setVisitorTyping(interaction: Interaction, typing: boolean): void {
      interaction.visitorTyping = typing
      changed()
    },

    setAgentTyping(interaction: Interaction, typing: boolean): void {
      interaction.agentTyping = typing
      sendState(interaction, typing ? 'typing' : 'cleared')
      changed()
    },

    accept(interaction: Interaction, agent: Agent): void {
      interaction.agent = agent
      leaveQueue(interaction, 'accepted')
    },

    end(interaction: Interaction, state: 'finished' | 'unavailable'): void {
      interaction.visitorTyping = false
      interaction.agentTyping = false
      leaveQueue(interaction, state)
    },

    /** A queued trigger with a position of the caller's choosing (the real queue order is unchanged). */
    announce,

    rate(interaction: Interaction, patch: RatingPatch): void {
      if (patch.mood !== undefined) interaction.mood = patch.mood
      if (patch.note !== undefined) interaction.note = patch.note
      if (patch.tagIds !== undefined) interaction.tagIds = patch.tagIds
      if (patch.customerKey !== undefined) interaction.customerKey = patch.customerKey
      changed()
    },

    /** Ignored when the interaction is gone (a reset while the GET was in flight). */
    setHistory(hash: string, result: Pick<HistoryView, 'messages' | 'error'>): void {
      const interaction = all.get(hash)
      if (!interaction?.externalHistory) return
      const { url, fetches = 0 } = interaction.externalHistory
      interaction.externalHistory = { url, ...result, fetches: fetches + 1 }
      changed()
    },

    reset(): void {
      all.clear()
      changed()
    },
  }
}
