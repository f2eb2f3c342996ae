/**
 * What a conversation going on needs and a new one does not until it starts: the event stream
 * (shared by the browser's tabs, read with fetch or, where fetch is a polyfill, XHR), the watch of
 * the tab the visitor looks at, which the page alert reads (tabs/away.ts), and the upload of a file
 * (which, like the stream, reads the proxy's media: transport/decode.ts). A part of its own
 * (docs/decisions/009-size-budgets.md), so the first screen of a new conversation comes without it:
 * fetched once the visitor starts writing, at the latest by the first subscribe (mount.tsx), and by
 * the loader with the chat when a conversation is going on.
 */
import type { Transport } from '../conversation/ports.ts'
import { tabChannelName } from '../storage-keys.ts'
import { whileAway } from '../tabs/away.ts'
import { broadcastChannel, shareStream } from '../tabs/share-stream.ts'
import { nativeFetch, openEventStream } from '../transport/events.ts'

export { createUploader } from '../transport/upload.ts'
// A file in the log: an agent's comes by the stream, and the visitor's is uploaded by this part.
export { MessageMedia } from '../ui/MessageMedia.tsx'
export { TypingIndicator } from '../ui/TypingIndicator.tsx'
export { VisitorMedia } from '../ui/VisitorMedia.tsx'

export type LiveOptions = {
  base: string
  /** The calls' fetch, which reads the proxy's clock from every answer. */
  fetch: typeof fetch
  /** `data-sound` as written. */
  sound: string | undefined
  /** Aborted by the chat's destroy(): the stream, the tabs' channel and the listeners go. */
  signal: AbortSignal
}

export function createLive({ base, fetch, sound, signal }: LiveOptions) {
  const channel = broadcastChannel(tabChannelName(base))
  signal.addEventListener('abort', () => channel?.close(), { once: true })
  const away = whileAway({ base, sound, signal })
  const subscribe: Transport['subscribe'] = shareStream(
    (auth, handlers, after) =>
      openEventStream({ base, auth, after, ...(nativeFetch() && { fetch }) }, handlers),
    channel,
  )
  return { subscribe, agentMessage: () => away.agentMessage() }
}

export type Live = ReturnType<typeof createLive>
