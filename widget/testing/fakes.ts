/** Test doubles for the widget's edges: a transport whose event stream tests `emit()` into, and storage. */
import { vi } from 'vitest'
import type { ConversationEvent, LoggedEvent } from '../../proxy/protocol/wire.ts'
import type { Transport } from '../conversation/model.ts'
import type { Credentials } from '../transport/api.ts'
import type { StreamHandlers } from '../transport/events.ts'

export const future = '2099-01-01T00:00:00.000Z'

export function createFakeTransport() {
  let handlers: StreamHandlers | null = null
  let nextId = 1
  const subscriptions: Array<{ auth: Credentials; closed: boolean }> = []
  const transport = {
    start: vi.fn<Transport['start']>(async () => ({
      conversationId: 'c1',
      credential: 'k1',
      expiresAt: future,
    })),
    send: vi.fn<Transport['send']>(async (_auth, body) => ({
      messageId: `m-${body.clientId}`,
      eventId: 0,
    })),
    typing: vi.fn<Transport['typing']>(async () => {}),
    cleared: vi.fn<Transport['cleared']>(async () => {}),
    finish: vi.fn<Transport['finish']>(async () => {}),
    rate: vi.fn<Transport['rate']>(async () => {}),
    subscribe: vi.fn<Transport['subscribe']>((auth, h) => {
      const subscription = { auth, closed: false }
      subscriptions.push(subscription)
      handlers = h
      return () => {
        subscription.closed = true
      }
    }),
  } satisfies Transport
  return {
    transport,
    subscriptions,
    /**
     * Push a server event down the open stream, numbered and stamped like the proxy's log: by default
     * logged just now, as a live event is; pass an earlier `at` to replay history.
     */
    emit(event: ConversationEvent, id = nextId, at = new Date().toISOString()): LoggedEvent {
      nextId = id + 1
      const logged = { ...event, id, at } as LoggedEvent
      handlers?.onEvent(logged)
      return logged
    },
    gone: () => handlers?.onGone(),
    status: (s: Parameters<StreamHandlers['onStatus']>[0]) => handlers?.onStatus(s),
  }
}

export function memoryStorage(): Storage {
  const map = new Map<string, string>()
  return {
    get length() {
      return map.size
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  }
}
