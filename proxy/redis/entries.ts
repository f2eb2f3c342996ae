/** Stream entries as RESP2 gives them, read into our events. */
import type { ConversationEvent, LoggedEvent } from '../../protocol/wire.ts'

/** Entry id `<ms>-<seq>` -> SSE id. Ours are always `<id>-0`. */
export const toId = (entryId: string) => Number(entryId.slice(0, entryId.indexOf('-')))

/** Orders two stream entry ids (`ms-seq`). */
export function compareIds(x: string, y: string): number {
  const [xMs = 0, xSeq = 0] = x.split('-').map(Number)
  const [yMs = 0, ySeq = 0] = y.split('-').map(Number)
  return xMs - yMs || xSeq - ySeq
}

/** A stream entry as RESP2 gives it: [id, [field, value, ...]]. */
export type Entry = { id: string; fields: Map<string, string> }

export function readEntry(raw: unknown): Entry | null {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || !Array.isArray(raw[1])) return null
  const flat: unknown[] = raw[1]
  const fields = new Map<string, string>()
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]))
  return { id: raw[0], fields }
}

export function toLogged(entryId: string, fields: Map<string, string>): LoggedEvent | null {
  const json = fields.get('e')
  const t = Number(fields.get('t'))
  if (json === undefined || !Number.isFinite(t)) return null
  // Written by appendScript from a ConversationEvent we validated before appending.
  const event = JSON.parse(json) as ConversationEvent
  // id and at first, as in memory.ts: the copy is several times quicker that way round.
  return { id: toId(entryId), at: new Date(t).toISOString(), ...event }
}
