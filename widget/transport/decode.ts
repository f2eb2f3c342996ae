/**
 * Narrows the proxy's event JSON into a LoggedEvent by hand: the widget bundle carries no zod. Anything
 * malformed is dropped rather than crashing the stream; unknown fields are ignored.
 */
import { type LoggedEvent, type Media, mediaKinds, moods } from '../../protocol/wire.ts'

type Fields = Record<string, unknown>

export function decodeEvent(json: string): LoggedEvent | null {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  if (!isObject(value) || !Number.isSafeInteger(value.id) || typeof value.at !== 'string')
    return null
  const base = { id: value.id as number, at: value.at }
  switch (value.type) {
    case 'queued': {
      const { position } = value
      if (position !== null && !Number.isSafeInteger(position)) return null
      return { ...base, type: 'queued', position: position as number | null }
    }
    case 'accepted':
    case 'unavailable':
    case 'typing':
    case 'cleared':
      return { ...base, type: value.type }
    case 'finished':
      return value.by === 'agent' || value.by === 'visitor'
        ? { ...base, type: 'finished', by: value.by }
        : null
    case 'rated': {
      const mood = moods.find((known) => known === value.mood)
      return mood ? { ...base, type: 'rated', mood } : null
    }
    case 'message':
      return decodeMessage(value, base)
    default:
      return null
  }
}

function decodeMessage(value: Fields, base: { id: number; at: string }): LoggedEvent | null {
  const { author, messageId, text, media, agentName, clientId } = value
  if (author !== 'agent' && author !== 'visitor') return null
  if (typeof messageId !== 'string' || typeof text !== 'string') return null
  const event: Extract<LoggedEvent, { type: 'message' }> = {
    ...base,
    type: 'message',
    author,
    messageId,
    text,
  }
  if (typeof agentName === 'string' && agentName.trim() !== '') event.agentName = agentName.trim()
  if (typeof clientId === 'string') event.clientId = clientId
  const file = decodeMedia(media)
  if (file) event.media = file
  return event
}

/** A file as a message or an upload reply carries it: kind and URL, with name, type and size if given. */
export function decodeMedia(value: unknown): Media | undefined {
  if (!isObject(value) || typeof value.url !== 'string') return undefined
  const kind = mediaKinds.find((known) => known === value.kind)
  if (!kind) return undefined
  const media: Media = { kind, url: value.url }
  if (typeof value.name === 'string') media.name = value.name
  if (typeof value.type === 'string') media.type = value.type
  if (Number.isSafeInteger(value.size)) media.size = value.size as number
  return media
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
