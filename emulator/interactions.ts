/**
 * The emulator's engine: interactions, their department queues and the triggers each change sends.
 *
 * Routes decide whether a change is allowed (the API answers 422, the control API 409); this module
 * only applies it, sends the matching trigger and tells subscribers that something changed. The
 * triggers are the seed's "Triggers" (docs/zchat/seed/clientapi-v1.md#triggers), one per example.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Faults } from './faults.ts'
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
/**
 * A message of the external history as the agent sees it: the document's fields, and `at`, the
 * instant its zone-less `time` denotes in the `historyTimeZone` fault's zone (null: no such time).
 */
export type HistoryEntry = HistoryMessage & { at: string | null }

/** Only `url` while the GET is in flight; then `messages` or `error`. */
export type HistoryView = {
  url: string
  messages?: HistoryEntry[]
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

/**
 * Shaped like the start's example, `0000a-000b-0c00-0d0e-f00d00f11111`
 * (docs/zchat/seed/clientapi-v1.md#start-interaction): opaque, not the "UUID format" the text says.
 */
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

export type InteractionOptions = {
  send: SendTrigger
  /** Read at each trigger: `queuedPosition` and `queueMoves` answer what the seed leaves open. */
  faults: () => Pick<Faults, 'queuedPosition' | 'queueMoves' | 'lostTriggers'>
}

export function createInteractions({ send, faults }: InteractionOptions) {
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

  /**
   * A state trigger: `{interaction_hash, state, extra}`, plus `position` on `queued` only, as the
   * seed's examples (docs/zchat/seed/clientapi-v1.md#interaction-added-to-queue and the five after
   * it). `extra` is the start's (docs/zchat/seed/clientapi-v1.md#start-interaction: "will be
   * returned on webhook"); `{}` when none was given, as every example shows.
   * Seed silent: whether `position` counts from 1 (its one example is 1): from 1 here, from 0 or
   * left out with the `queuedPosition` fault.
   */
  function sendState(interaction: Interaction, state: StateTrigger['state']): void {
    // Seed silent: whether a trigger can be lost. The `lostTriggers` fault loses it.
    if (faults().lostTriggers.includes(state)) return
    const { hash, position, extra } = interaction
    const counted = faults().queuedPosition
    const body: StateTrigger =
      state !== 'queued' || counted === 'omit'
        ? { interaction_hash: hash, state, extra }
        : {
            interaction_hash: hash,
            state,
            position: counted === 'from0' && position !== null ? position - 1 : position,
            extra,
          }
    send(hash, body)
  }

  function announce(interaction: Interaction, position: number): void {
    interaction.position = position
    sendState(interaction, 'queued')
    changed()
  }

  /**
   * After someone leaves a queue, everyone whose position moved hears the new one.
   * Seed silent: whether `queued` is sent again when the queue moves; `queueMoves: 'silent'` only
   * updates the positions the console shows.
   */
  function reannounce(departmentId: number): void {
    let position = 0
    for (const interaction of all.values()) {
      if (interaction.state !== 'queued' || interaction.departmentId !== departmentId) continue
      position += 1
      if (interaction.position === position) continue
      if (faults().queueMoves === 'announce') announce(interaction, position)
      else interaction.position = position
    }
  }

  function leaveQueue(
    interaction: Interaction,
    state: Exclude<InteractionState, 'queued'>,
    trigger: boolean,
  ): void {
    const wasQueued = interaction.state === 'queued'
    interaction.state = state
    interaction.position = null
    if (trigger) sendState(interaction, state)
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
      // docs/zchat/seed/clientapi-v1.md#interaction-added-to-queue. Seed silent: when `queued`
      // is sent (here: at once, racing the start's answer unless `queuedBeforeAnswer` is on).
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
        // Emulator's choice (only the console sees it): a sent message ends the typing it came
        // from, whether or not the visitor says "cleared".
        interaction.visitorTyping = false
      } else {
        // docs/zchat/seed/clientapi-v1.md#agent-new-message: `{interaction_hash, message: {hash,
        // content, type, url}, agent: {id, name}, extra}`; the example's agent is 111 Atendente.
        // Seed silent: `url` on a text message (the example carries one with type text): null.
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

    /** docs/zchat/seed/clientapi-v1.md#agent-typing and #agent-stop-typing. */
    setAgentTyping(interaction: Interaction, typing: boolean): void {
      interaction.agentTyping = typing
      sendState(interaction, typing ? 'typing' : 'cleared')
      changed()
    },

    /** docs/zchat/seed/clientapi-v1.md#agent-accepts-interaction */
    accept(interaction: Interaction, agent: Agent): void {
      interaction.agent = agent
      leaveQueue(interaction, 'accepted', true)
    },

    /**
     * docs/zchat/seed/clientapi-v1.md#agent-finish-interaction and #in-case-of-unavailable-agents.
     * `trigger: false` ends it silently (the client's finish under `finishTrigger: 'omit'`).
     */
    end(
      interaction: Interaction,
      state: 'finished' | 'unavailable',
      { trigger = true }: { trigger?: boolean } = {},
    ): void {
      interaction.visitorTyping = false
      interaction.agentTyping = false
      leaveQueue(interaction, state, trigger)
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
