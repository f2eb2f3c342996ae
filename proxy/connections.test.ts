import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { clientKeyWith } from './client-address.ts'
import { capConnections } from './connections.ts'

/** A socket as node:net hands it to the server's 'connection' listeners: its peer, destroy, close. */
class Peer extends EventEmitter {
  destroyed = false
  readonly remoteAddress: string
  constructor(remoteAddress: string) {
    super()
    this.remoteAddress = remoteAddress
  }
  destroy() {
    this.destroyed = true
    this.emit('close')
  }
}

function server(max: number, prefix = 64) {
  const listener = new EventEmitter()
  capConnections(listener, max, clientKeyWith(prefix))
  return (from: string) => {
    const peer = new Peer(from)
    listener.emit('connection', peer)
    return peer
  }
}

describe('MAX_CONNECTIONS_PER_IP', () => {
  it('closes a client’s connection past the cap, and takes it again once one closes', () => {
    const connect = server(2)
    const [a, b, c] = ['192.0.2.1', '192.0.2.1', '192.0.2.1'].map(connect)
    expect([a, b, c].map((peer) => peer!.destroyed)).toEqual([false, false, true])
    expect(connect('192.0.2.2').destroyed).toBe(false)
    a!.destroy()
    expect(connect('192.0.2.1').destroyed).toBe(false)
  })

  it('counts an IPv6 client by its prefix, whichever address of it each connection comes from', () => {
    const connect = server(3)
    const peers = [1, 2, 3, 4, 5].map((i) => connect(`2001:db8:3:4::${i}`))
    expect(peers.map((peer) => peer.destroyed)).toEqual([false, false, false, true, true])
    expect(connect('2001:db8:3:5::1').destroyed).toBe(false)
    expect(server(1, 48)('2001:db8:3:5::1').destroyed).toBe(false)
  })

  it('counts an IPv4 client through a dual-stack socket as the same client', () => {
    const connect = server(1)
    expect(connect('198.51.100.7').destroyed).toBe(false)
    expect(connect('::ffff:198.51.100.7').destroyed).toBe(true)
  })
})
