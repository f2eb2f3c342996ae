/**
 * The soak's ledger, closed against the emulator at the end: every visitor message the proxy took
 * must be in zChat once (as the emulator recorded it), and every agent message zChat sent must
 * have reached its visitor's stream once, across however many reconnects.
 */
import type { Conversation } from './calls.ts'

type Seen = {
  hash: string
  mood: string | null
  messages: Array<{ direction: 'CLIENT' | 'AGENT'; content: string }>
}

export type Tally = {
  conversations: number
  /** Interactions zChat has that no visitor was told of (a start whose answer was lost). */
  orphans: number
  visitor: {
    taken: number
    givenUp: number
    refused: string[]
    inZChat: number
    lost: string[]
    doubled: string[]
  }
  agent: { sent: number; received: number; lost: string[]; doubled: string[] }
  /** Visitor messages the visitor gave up on that zChat has all the same. */
  givenUpButArrived: number
  repeatedFrames: number
  resets: number
  reconnects: number
  rated: { sent: number; inZChat: number }
}

function counts(texts: string[]): Map<string, number> {
  const map = new Map<string, number>()
  for (const text of texts) map.set(text, (map.get(text) ?? 0) + 1)
  return map
}

export async function closeLedger(
  emulatorUrl: string,
  conversations: Conversation[],
): Promise<Tally> {
  const response = await fetch(`${emulatorUrl}/control/interactions`)
  const seen = new Map(((await response.json()) as Seen[]).map((one) => [one.hash, one]))
  const tally: Tally = {
    conversations: conversations.length,
    orphans: 0,
    visitor: { taken: 0, givenUp: 0, refused: [], inZChat: 0, lost: [], doubled: [] },
    agent: { sent: 0, received: 0, lost: [], doubled: [] },
    givenUpButArrived: 0,
    repeatedFrames: 0,
    resets: 0,
    reconnects: 0,
    rated: { sent: 0, inZChat: 0 },
  }
  const known = new Set(conversations.map((conversation) => conversation.id))
  for (const hash of seen.keys()) if (!known.has(hash)) tally.orphans++

  for (const conversation of conversations) {
    const interaction = seen.get(conversation.id)
    const texts = (direction: 'CLIENT' | 'AGENT') =>
      (interaction?.messages ?? [])
        .filter((message) => message.direction === direction)
        .map((message) => message.content)
    const client = counts(texts('CLIENT'))
    tally.visitor.taken += conversation.acknowledged.length
    tally.visitor.givenUp += conversation.givenUp.length
    tally.visitor.refused.push(...conversation.refused)
    tally.visitor.inZChat += texts('CLIENT').length
    for (const text of conversation.acknowledged)
      if (!client.has(text)) tally.visitor.lost.push(text)
    for (const text of conversation.givenUp) if (client.has(text)) tally.givenUpButArrived++
    for (const [text, times] of client) if (times > 1) tally.visitor.doubled.push(text)

    const agent = texts('AGENT')
    tally.agent.sent += agent.length
    for (const text of agent) {
      const times = conversation.agentReceived.get(text) ?? 0
      if (times === 0) tally.agent.lost.push(text)
      else tally.agent.received++
      if (times > 1) tally.agent.doubled.push(text)
    }
    tally.repeatedFrames += conversation.repeatedFrames
    tally.resets += conversation.resets
    tally.reconnects += conversation.reconnects
    if (conversation.rated) tally.rated.sent++
    if (interaction?.mood) tally.rated.inZChat++
  }
  return tally
}
