/**
 * The widget <-> proxy wire: limits, moods, routes, events and error bodies. No dependencies (not
 * even schemas.ts, which builds on this), so the widget can import values from here without pulling
 * zod into the drop-in bundle. zChat's own field names stay in zchat/ and never appear here.
 */

/**
 * Bounds of our own choosing: zChat documents none (docs/zchat/README.md#no-documented-limits). The
 * visitor's details are also their own constants: the loader bounds them without taking the object.
 */
export const nameLength = 100
export const emailLength = 254
export const phoneLength = 32
export const limits = {
  textLength: 4000,
  nameLength,
  emailLength,
  phoneLength,
  commentLength: 1000,
  clientIdLength: 64,
} as const

/** How a visitor rates a conversation. Here, not in schemas.ts, so this module imports nothing. */
export const moods = ['positive', 'negative'] as const
export type Mood = (typeof moods)[number]

/**
 * What a file in a message is, for how the widget shows it. The names are zChat's media message
 * types (docs/zchat/clientapi-v1.md#send-a-message), so the adapter passes a kind through both ways.
 */
export const mediaKinds = ['image', 'video', 'audio', 'file'] as const
export type MediaKind = (typeof mediaKinds)[number]

/**
 * Where the agent answers a conversation: here in the chat (`web`, the default), or on the visitor's
 * phone, on WhatsApp or by SMS. They are zChat's media types TEXT, WHATSAPP and SMS (the adapter
 * maps one to the other); a site enables them in `data-channels`, the proxy in ALLOWED_CHANNELS.
 */
export const channels = ['web', 'whatsapp', 'sms'] as const
export type Channel = (typeof channels)[number]

/** A conversation answered on the visitor's phone: the channel, and the phone as zChat got it (digits). */
export type AnsweredOn = { channel: Exclude<Channel, 'web'>; phone: string }

/** A file as a message carries it: where to GET it, and what it is. */
export type Media = {
  kind: MediaKind
  url: string
  /**
   * The visitor's file name (visitor uploads), as the proxy cleaned it: no path or control
   * characters, at most 120 characters, its extension that of `type`. Agents' media may have none.
   */
  name?: string
  /** The sniffed type, e.g. image/png (visitor uploads). */
  type?: string
  size?: number
}

/** GET /v1/config: what this proxy lets visitors do; the widget checks files against it first. */
export type WidgetConfig = {
  /** null: uploads are off. */
  uploads: { maxBytes: number; types: string[] } | null
  /** Whether visitors may leave a message (POST /v1/messages-left): LEAVE_MESSAGE_URL is set. */
  leaveMessage: boolean
  /** Whether an ended chat's visitor may ask for its transcript by e-mail (TRANSCRIPT_BY_EMAIL). */
  transcriptByEmail?: boolean
}

/** POST /v1/conversations/:id/uploads (multipart/form-data, one part named `file`): 201. */
export type UploadReply = Media & { uploadId: string; name: string; type: string; size: number }

/**
 * DELETE /v1/conversations/:id (and the operators' DELETE /admin/conversations/:id): 200, what was
 * erased. `conversations`: this one and those it followed (the earlier chats its visitor carried).
 */
export type ErasedReply = { conversations: number; events: number; messages: number; files: number }

/** What happens in a conversation, in order. Each is logged once and relayed over SSE. */
export type ConversationEvent =
  | { type: 'queued'; position: number | null }
  | { type: 'accepted' }
  | { type: 'unavailable' }
  | { type: 'typing' }
  | { type: 'cleared' }
  | { type: 'finished'; by: 'agent' | 'visitor' }
  | { type: 'rated'; mood: Mood }
  | {
      type: 'message'
      author: 'agent' | 'visitor'
      messageId: string
      text: string
      media?: Media
      agentName?: string
      clientId?: string
    }

/** An event as stored and sent: `id` is monotonic per conversation and is the SSE id. */
export type LoggedEvent = ConversationEvent & { id: number; at: string }

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** GET /media with a Range beyond the file. */
  | 'RANGE_NOT_SATISFIABLE'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR'

/** Every proxy failure has this body, in the Zenvia style. */
export type ErrorBody = {
  code: ErrorCode
  message: string
  details?: Array<{ path: string; message: string }>
}

/**
 * Named SSE events beside the conversation's own (which are unnamed `message`s): `expired` ends a
 * stream whose credential has run out, so the widget stops rather than reconnecting. `reset` comes
 * first on a stream resumed from a Last-Event-ID older than what the log still keeps, 0 included (the
 * conversation outgrew its cap): events were dropped in between, and every event still kept follows,
 * so the widget notes the gap in the transcript instead of silently missing them.
 */
export const streamEvents = { expired: 'expired', reset: 'reset' } as const

/** The routes, so the widget and the proxy cannot drift apart. */
export const routes = {
  start: '/v1/conversations',
  /** DELETE: erases an ended conversation, what the proxy keeps of it (routes/erasure.ts). */
  conversation: (id: string) => `/v1/conversations/${encodeURIComponent(id)}`,
  messages: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/messages`,
  typing: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/typing`,
  cleared: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/cleared`,
  finish: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/finish`,
  rating: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/rating`,
  events: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/events`,
  uploads: (id: string) => `/v1/conversations/${encodeURIComponent(id)}/uploads`,
  transcriptRequests: (id: string) =>
    `/v1/conversations/${encodeURIComponent(id)}/transcript-requests`,
  config: '/v1/config',
  messagesLeft: '/v1/messages-left',
} as const
