/**
 * One phase of the bench alone, for working on the proxy:
 * `npx tsx scripts/bench/focus.ts message|webhook|streams [count]`. Prints the proxy's CPU time per
 * call and the latencies over three rounds (the first warms the JIT), or the heap and RSS per idle
 * stream. BENCH_PROFILE=dir writes the proxy's CPU profile, SNAPSHOT=file a heap snapshot with the
 * streams open, BENCH_PROXY_ENTRY=path measures another build.
 */

import { createVisitors } from '../../proxy/visitors.ts'
import { startFakeZChat } from './fake-zchat.ts'
import { call, keepAlive, pool } from './http.ts'
import { latency, postTrigger } from './phases.ts'
import { benchSecrets, buildProxy, settledMemory, startProxy } from './processes.ts'
import { clientAddress, connect, newReader } from './sse-client.ts'

const [phase = 'message', countArg] = process.argv.slice(2)
const count = Number(countArg ?? 2000)
if (!process.env.BENCH_PROXY_ENTRY) buildProxy()
const zchat = await startFakeZChat()
// REDIS_URL: the proxy on that Redis (a database of its own: the focus run does not empty it).
const proxy = await startProxy(
  zchat.url,
  process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {},
)
const visitors = createVisitors(benchSecrets.session, 24 * 60 * 60 * 1000)
const agent = keepAlive(8)
const direct = keepAlive(8)
const conversations = Array.from(
  { length: Number(process.env.FOCUS_CONVERSATIONS ?? 200) },
  (_, i) => {
    const id = `focus-${i}`
    return {
      id,
      headers: {
        authorization: `Bearer ${visitors.issue(id).credential}`,
        origin: benchSecrets.origin,
      },
      eventsUrl: '',
      webhookUrl: `${proxy.url}/webhooks/zchat/${benchSecrets.webhook}`,
    }
  },
)
const ms = (v: number) => v.toFixed(2)
try {
  if (phase === 'streams') {
    const streamConversations = Array.from({ length: count }, (_, i) => {
      const id = `focus-stream-${i}`
      return {
        url: `${proxy.url}/v1/conversations/${id}/events`,
        headers: {
          authorization: `Bearer ${visitors.issue(id).credential}`,
          origin: benchSecrets.origin,
        },
      }
    })
    const before = await proxy.memory()
    const readers = streamConversations.map(() => newReader())
    await pool(count, 128, (i) =>
      connect(
        readers[i]!,
        streamConversations[i]!.url,
        streamConversations[i]!.headers,
        clientAddress(i),
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const after = await proxy.memory()
    if (process.env.SNAPSHOT) await proxy.snapshot(process.env.SNAPSHOT)
    for (const r of readers) r.req?.destroy()
    const closed = await settledMemory(proxy, 10)
    const kb = (b: number) => `${(b / 1024 / count).toFixed(2)} KB`
    console.log(
      `streams ${count}: heap per stream ${kb(after.heapUsed - closed.heapUsed)}, RSS growth per stream ${kb(after.rss - before.rss - Math.max(0, closed.heapUsed - before.heapUsed))}`,
    )
  } else
    for (let round = 0; round < 3; round++) {
      const through: number[] = []
      const straight: number[] = []
      const cpuBefore = await proxy.cpuMicros()
      const started = performance.now()
      if (phase === 'message') {
        for (let s = 0; s < count; s++) {
          const c = conversations[s % conversations.length]!
          let t = performance.now()
          const answer = await call(
            agent,
            'POST',
            `${proxy.url}/v1/conversations/${c.id}/messages`,
            { clientId: `focus-${round}-${s}-${Date.now()}`, text: `message ${s}` },
            c.headers,
          )
          through.push(performance.now() - t)
          if (answer.status !== 202) throw new Error(`${answer.status} ${answer.body}`)
          t = performance.now()
          await call(direct, 'POST', `${zchat.url}/interactions/${c.id}/messages`, {
            token: 'x',
            content: 'm',
            type: 'text',
          })
          straight.push(performance.now() - t)
        }
      } else {
        await pool(count, 32, async (s) => {
          const c = conversations[s % conversations.length]!
          const t = performance.now()
          const answer = await postTrigger(c, c.id)
          through.push(performance.now() - t)
          if (answer.status !== 200) throw new Error(`${answer.status} ${answer.body}`)
        })
      }
      const elapsed = performance.now() - started
      const cpu = ((await proxy.cpuMicros()) - cpuBefore) / count
      const a = latency(through)
      const d = straight.length ? latency(straight) : null
      console.log(
        `round ${round}: ${phase} cpu ${cpu.toFixed(0)} µs/call, ${(count / (elapsed / 1000)).toFixed(0)}/s, p50 ${ms(a.p50)} p99 ${ms(a.p99)}${d ? ` (direct ${ms(d.p50)} / ${ms(d.p99)}; adds ${ms(a.p50 - d.p50)} / ${ms(a.p99 - d.p99)})` : ''}`,
      )
    }
} finally {
  await proxy.stop()
  await zchat.close()
  agent.destroy()
  direct.destroy()
}
process.exit(0)
