/**
 * A cap on the connections one client holds, when the proxy faces visitors directly
 * (MAX_CONNECTIONS_PER_IP). A client is its address's key (client-address.ts): an IPv6 client that
 * opens each connection from another address of its prefix is still one.
 */
import type { ClientKey } from './client-address.ts'

/** What the cap needs of a socket and of the server that accepts them (node:net's, in production). */
type Connection = {
  readonly remoteAddress?: string | undefined
  destroy(): void
  once(event: 'close', listener: () => void): unknown
}
type Listener = { on(event: 'connection', listener: (socket: Connection) => void): unknown }

/**
 * One client may hold at most `max` connections; past it a new one is closed at once, before a
 * byte of it is read. Slow senders thus cannot hold the server's sockets.
 */
export function capConnections(server: Listener, max: number, keyOf: ClientKey) {
  const open = new Map<string, number>()
  server.on('connection', (socket) => {
    const client = keyOf(socket.remoteAddress ?? '')
    const count = (open.get(client) ?? 0) + 1
    if (count > max) {
      socket.destroy()
      return
    }
    open.set(client, count)
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1
      if (left > 0) open.set(client, left)
      else open.delete(client)
    })
  })
}
