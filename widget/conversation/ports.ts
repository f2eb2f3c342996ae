/**
 * What the conversation needs from the outside world, in its own terms: calls to the proxy, the
 * event stream, the proxy's clock and somewhere to remember the conversation. widget/transport/
 * implements these; tests pass fakes (widget/testing/fakes.ts). Nothing here imports transport code.
 */
import type {
  MessageBody,
  MessageLeftBody,
  MessageReply,
  RatingBody,
  StartBody,
  StartReply,
  TranscriptRequestBody,
} from '../../protocol/schemas.ts'
import type { AnsweredOn, LoggedEvent, UploadReply, WidgetConfig } from '../../protocol/wire.ts'

export type Credentials = { conversationId: string; credential: string }

/** The visitor's calls to the proxy. Failures reject with the classes in failure.ts. */
export type Api = {
  start(body: StartBody): Promise<StartReply>
  send(auth: Credentials, body: MessageBody): Promise<MessageReply>
  typing(auth: Credentials): Promise<void>
  cleared(auth: Credentials): Promise<void>
  finish(auth: Credentials): Promise<void>
  rate(auth: Credentials, body: RatingBody): Promise<void>
  /** No agent can chat: the visitor leaves a message for a reply by email. */
  leaveMessage(body: MessageLeftBody): Promise<void>
  /** What this proxy lets visitors do (upload limits). */
  config(): Promise<WidgetConfig>
  /** Erases what the proxy keeps of the ended conversation and the earlier ones it carried. */
  erase(auth: Credentials): Promise<void>
  /** Asks the site to e-mail the ended conversation's transcript, as the proxy keeps it. */
  requestTranscript(auth: Credentials, body: TranscriptRequestBody): Promise<void>
}

export type UploadOptions = {
  /** Share of the file's bytes sent so far, 0 to 1. */
  onProgress(fraction: number): void
  /** Aborting it cancels the upload, which then rejects with the signal's reason. */
  signal: AbortSignal
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting'

export type StreamHandlers = {
  onEvent(event: LoggedEvent): void
  onStatus(status: StreamStatus): void
  /** 401/403/404: the conversation or its credential no longer exists. The stream has stopped. */
  onGone(): void
  /**
   * The proxy no longer keeps some events after the last one seen (the conversation outgrew its
   * cap): what follows is every event it still keeps, so the transcript is to be rebuilt from them.
   */
  onReset?(): void
}

export type Transport = Api & {
  /** Opens the conversation's event stream; returns a function that closes it for good. */
  subscribe(auth: Credentials, handlers: StreamHandlers): () => void
  /** The proxy's clock, which stamps every event's `at`, estimated from its responses. */
  serverNow(): number
  /** Uploads a file to the conversation, for a message to carry. Failures as in `Api`. */
  upload(auth: Credentials, file: File, options: UploadOptions): Promise<UploadReply>
}

export type StoredSession = {
  conversationId: string
  credential: string
  expiresAt: string
  /** Ended conversations stay viewable (and ratable) but do not make the loader fetch the chat. */
  finished: boolean
  /** Highest event id the visitor has seen with the window open: the unread badge counts past it. */
  readId: number
  /** Highest event id already handled: replays at or below it fire no `message` to the host page. */
  seenId: number
  /**
   * Which signed customer started it (chat/identity.ts ownerOf: a digest), if one did: a page
   * signed for another customer does not get to see it.
   */
  owner?: string
  /** Answered on the visitor's phone (the start's reply): the chat shows it, and no longer writes to it. */
  answeredOn?: AnsweredOn | undefined
}

/** The conversation remembered across reloads and pages. Never throws: storage may be unusable. */
export type SessionStore = {
  /** The stored conversation, or null when there is none or it has expired. */
  load(): StoredSession | null
  save(session: StoredSession): void
  /** Patches the stored conversation, if there is one. */
  update(patch: Partial<StoredSession>): void
  clear(): void
  /** Forgets the conversation here and in every other tab of the browser (`zchat('reset')`). */
  forgetEverywhere(): void
}

/**
 * One start at a time across the browser's tabs (tabs/exclusive.ts), so that two tabs never start
 * two conversations: the second joins the first's. It cannot count on its session store to show
 * that one yet (another tab's save reaches localStorage in this tab later, unordered with the
 * lock), so the lock keeps the conversation a tab started too, for as long as it goes on.
 */
export type StartLock = {
  /** Runs `start` while no other tab of the browser runs its own. */
  run<T>(start: () => Promise<T>): Promise<T>
  /** In `run`: the conversation going on that a tab started, as the lock keeps it. */
  load(): Promise<StoredSession | undefined>
  /** In `run`: keeps the conversation this tab started, until `clear()` or the tab closes. */
  save(started: StoredSession): Promise<void>
  clear(): void
}
