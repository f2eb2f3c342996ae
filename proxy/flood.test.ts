/**
 * A webhook flood for interactions never opened here (issue 18), as zChat's side sees it: every
 * trigger is answered 200, the log holds no more than its unopened caps, and once their two
 * minutes have passed the sweep lets go of them and nothing else holds them: the heap, after a
 * collection, is back where it was. scripts/flood.ts does the same against a process, at scale.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logDefaults } from './events/log.ts'
import { agentMessageTrigger, type Harness, postTrigger, startHarness } from './testing/harness.ts'
import { agentTextLength } from './zchat/adapter.ts'

// A full collection on demand, so the heap says what is still held, not what is yet to be collected.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void
const heldHeap = async () => {
  // Past the current job first: a value it still reaches would survive the collection.
  await new Promise((resolve) => setImmediate(resolve))
  collect()
  collect()
  return process.memoryUsage().heapUsed
}

const mb = 1024 * 1024
let t = Date.now()
let h: Harness
beforeAll(async () => {
  h = await startHarness({ storeNow: () => t })
})
afterAll(() => h.close())

const stranger = (n: number, text: string) =>
  postTrigger(h.url, agentMessageTrigger(`stranger-${n}`, `${n} ${text}`, `s${n}`))

describe('a webhook flood for interactions never opened here', () => {
  it('is held within the unopened caps, and let go of entirely once their time has passed', async () => {
    // The same path once before measuring, so what the first calls set up is in the baseline.
    for (let n = 0; n < 20; n++) expect((await stranger(n, 'warm-up')).status).toBe(200)
    t += logDefaults.unopenedMs + 1
    h.log.sweep()
    const before = await heldHeap()

    // Under the agent's text cap (10,000 characters), so what is counted is what was sent.
    const text = 'Olá, o meu pedido 4411 ainda não chegou a Lisboa. '.repeat(190)
    expect(text.length).toBeLessThan(agentTextLength)
    for (let n = 100; n < 800; n++) expect((await stranger(n, text)).status).toBe(200)
    // Over 12 MB counted: the newest 8 MiB or so held (UNOPENED_MAX_BYTES), and seen in the heap.
    expect(h.log.stats().bytes).toBeLessThanOrEqual(logDefaults.unopenedMaxBytes)
    expect(h.log.stats().bytes).toBeGreaterThan(6 * mb)
    expect(await heldHeap()).toBeGreaterThan(before + 6 * mb)

    t += logDefaults.unopenedMs + 1
    h.log.sweep()
    expect(h.log.stats()).toEqual({ conversations: 0, events: 0, bytes: 0 })
    expect(await heldHeap()).toBeLessThan(before + 1.5 * mb)
  })
})
