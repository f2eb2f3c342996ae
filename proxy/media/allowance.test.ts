import { describe, expect, it } from 'vitest'
import { processAllowance, type UploadCaps } from './allowance.ts'

const caps: UploadCaps = {
  filesPerConversation: 2,
  bytesPerConversation: 100,
  bytesPerAddress: 150,
  conversationMs: 1000,
  addressMs: 5000,
}
const from = (conversationId: string, address = '192.0.2.1') => ({ conversationId, address })

describe("one process's upload allowance", () => {
  it('takes files and bytes per conversation and bytes per address, or nothing', async () => {
    const allowance = processAllowance(caps, () => 0)
    expect(await allowance.take(from('a'), 60)).toBeNull()
    expect(await allowance.take(from('a'), 41)).toBe('conversation-bytes')
    expect(await allowance.take(from('a'), 40)).toBeNull()
    expect(await allowance.take(from('a'), 0)).toBe('files')
    // Another conversation from the same address: the address has 50 bytes left.
    expect(await allowance.take(from('b'), 51)).toBe('address-bytes')
    expect(await allowance.take(from('b'), 50)).toBeNull()
    expect(await allowance.take(from('c'), 1)).toBe('address-bytes')
    // A refused taking took nothing: another address has its own count.
    expect(await allowance.take(from('c', '192.0.2.2'), 100)).toBeNull()
  })

  it('gives back what a file did not use, and all of it for an upload that failed', async () => {
    const allowance = processAllowance({ ...caps, filesPerConversation: 1 }, () => 0)
    expect(await allowance.take(from('a'), 100)).toBeNull()
    await allowance.settle(from('a'), 100, null)
    expect(await allowance.take(from('a'), 100)).toBeNull()
    await allowance.settle(from('a'), 100, 30)
    // The file counts, its 30 bytes too: 120 of the address's 150 are free.
    expect(await allowance.take(from('a'), 1)).toBe('files')
    expect(await allowance.take(from('b'), 100)).toBeNull()
    expect(await allowance.take(from('c'), 21)).toBe('address-bytes')
    expect(await allowance.take(from('c'), 20)).toBeNull()
  })

  it('counts each for its window from its first upload, and forgets the counts that lapsed', async () => {
    let t = 0
    const allowance = processAllowance(caps, () => t)
    for (let i = 0; i < 1000; i++) {
      expect(await allowance.take(from(`c${i}`, `10.0.${i >> 8}.${i & 255}`), 100)).toBeNull()
    }
    expect(await allowance.take(from('c0', '10.0.0.0'), 1)).toBe('conversation-bytes')
    expect(allowance.tracked()).toBe(2000)
    // The conversations' window lapses, not yet the addresses'.
    t += 1000
    expect(await allowance.take(from('c0', '10.0.0.0'), 51)).toBe('address-bytes')
    expect(await allowance.take(from('c0', '192.0.2.9'), 100)).toBeNull()
    expect(allowance.tracked()).toBe(1002)
    // Then the addresses' windows lapse: only what was taken since is left.
    t += 4000
    expect(await allowance.take(from('new', '10.0.0.0'), 100)).toBeNull()
    expect(allowance.tracked()).toBe(3)
  })
})
