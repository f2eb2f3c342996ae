/**
 * An authenticated webhook flood against a real proxy process (issue 18): triggers of ~30 KB for
 * interactions the proxy never opened, while one live conversation gets agent messages. It measures
 * the proxy's RSS (from /proc/<pid>/status) before, at its peak, after the flood and after the
 * unopened retention (2 minutes) has passed, and checks that the live conversation lost nothing.
 * docs/benchmarks.md "A webhook flood" records a run.
 *
 *   npx tsx scripts/flood.ts [triggers=20000] [kb=30] [quick] [NAME=value ...]
 *
 * `quick` skips the wait for the retention (about 3 minutes) and its figures.
 * NAME=value pairs go to the proxy's environment (say, EVENT_LOG_MAX_BYTES=...); otherwise it runs
 * with the default settings. Loopback only; bounded in count and in time (it gives up after
 * 10 minutes); it stops the processes it started. Exits 1 when the live conversation missed a
 * message, when a trigger was not answered 200, or when the flood left RSS 100 MB or more above
 * where it was once the unopened retention has passed (`quick`: right after the flood). The peak
 * and the RSS right after the flood are reported beside it: while triggers arrive, V8 lets garbage
 * build up to a limit it sets from its maximum heap (docs/operations.md "Memory"), whatever the log
 * holds.
 */
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { routes } from '../protocol/wire.ts'
import {
  agentMessageTrigger,
  openStream,
  readMetric,
  scrape,
  siteOrigin,
  startConversation,
  startProxyProcess,
  webhookSecret,
} from '../proxy/testing/harness.ts'
import { startFakeZChat } from './bench/fake-zchat.ts'

const args = process.argv.slice(2)
const numbers = args.filter((arg) => /^\d+$/.test(arg)).map(Number)
const extraEnv = Object.fromEntries(
  args.filter((arg) => arg.includes('=')).map((arg) => arg.split(/=(.*)/s).slice(0, 2)),
)
const triggers = numbers[0] ?? 20_000
const kb = numbers[1] ?? 30
const quick = args.includes('quick')
/** One live message every this many flood triggers. */
const liveEvery = 100
const senders = 16
const metricsToken = 'flood-metrics-token-0123456789'
const growthGoalMb = 100

const say = (text: string) => console.error(`[flood] ${text}`)
const deadline = setTimeout(() => {
  say('gave up after 10 minutes')
  process.exit(2)
}, 10 * 60_000)
deadline.unref()

const zchat = await startFakeZChat()
const proxy = await startProxyProcess({
  ZCHAT_TOKEN: 'flood-token',
  ZCHAT_API_URL: zchat.url,
  ZCHAT_WEBHOOK_SECRET: webhookSecret,
  SESSION_SECRET: 'flood-session-secret-0123456789abcdefghij',
  PUBLIC_URL: 'http://127.0.0.1',
  ALLOWED_ORIGINS: siteOrigin,
  METRICS_TOKEN: metricsToken,
  ...extraEnv,
})
const pid = proxy.child.pid!
const rssMb = () => {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kib) / 1024
}
const metrics = () => scrape(`${proxy.url}/metrics`, { authorization: `Bearer ${metricsToken}` })
const webhookPath = `/webhooks/zchat/${webhookSecret}`
const { port } = new URL(proxy.url)
const agent = new Agent({ keepAlive: true, maxSockets: senders })

/** POSTs a trigger on a keep-alive connection; resolves with the status. */
function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: webhookPath,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
/** A zChat-like interaction hash this proxy never opened. */
const strangerId = (n: number) => `f1${hex(n, 8)}${hex(process.pid, 8)}0a9b8c7d6e5f4a3b`
const sentence = 'Olá, gostaria de saber o prazo de entrega do pedido 4411 para Lisboa. '
const stranger = (n: number) => {
  const bare = JSON.stringify(agentMessageTrigger(strangerId(n), '', hex(n, 32)))
  const room = kb * 1024 - Buffer.byteLength(bare)
  const text = sentence.repeat(Math.ceil(room / sentence.length)).slice(0, room - 40)
  return JSON.stringify(agentMessageTrigger(strangerId(n), text, hex(n, 32)))
}

try {
  const live = await startConversation(proxy.url)
  const stream = await openStream(`${proxy.url}${routes.events(live.conversationId)}`, live.headers)
  // Warm-up: small triggers through the same path, so the figures are not the JIT's first minute.
  for (let i = 0; i < 500; i += senders) {
    await Promise.all(
      Array.from({ length: senders }, (_, k) =>
        post(JSON.stringify(agentMessageTrigger(strangerId(10_000_000 + i + k), 'warm-up'))),
      ),
    )
  }
  const before = rssMb()
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb())
  }, 100)

  const liveTexts: string[] = []
  const statuses = new Map<number, number>()
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < triggers) {
        const n = next++
        if (n % liveEvery === 0) {
          const text = `live ${liveTexts.length + 1}`
          liveTexts.push(text)
          const status = await post(
            JSON.stringify(agentMessageTrigger(live.conversationId, text, `live-${n}`)),
          )
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
        }
        const status = await post(stranger(n))
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  peak = Math.max(peak, rssMb())
  const afterFlood = rssMb()
  const got = await stream.waitFor(
    (events) => events.filter((e) => e.type === 'message').length >= liveTexts.length,
    30_000,
  )
  const shown = got.flatMap((e) => (e.type === 'message' ? [e.text] : []))
  stream.close()
  // What a reload gets: every live message still in the log.
  const replay = await openStream(`${proxy.url}${routes.events(live.conversationId)}`, live.headers)
  const replayed = await replay.waitFor(
    (events) => events.filter((e) => e.type === 'message').length >= liveTexts.length,
    30_000,
  )
  replay.close()
  const kept = replayed.flatMap((e) => (e.type === 'message' ? [e.text] : []))
  // A reset frame (the log no longer holds the oldest) reads as data without a type.
  const reset = replayed.some((e) => (e as { type?: unknown }).type === undefined)

  const text = await metrics()
  const evictions = Object.fromEntries(
    [...text.matchAll(/^zchat_proxy_evictions_total\{reason="([^"]+)"\} (\S+)$/gm)].map(
      ([, reason, count]) => [reason, Number(count)],
    ),
  )
  const held = {
    conversations: readMetric(text, 'zchat_proxy_conversations_held'),
    events: readMetric(text, 'zchat_proxy_events_held'),
    heapMb: readMetric(text, 'nodejs_heap_size_used_bytes') / 1024 / 1024,
    countedMb: readMetric(text, 'zchat_proxy_event_log_bytes') / 1024 / 1024,
  }
  // Where the rest of the RSS is: V8's heap as committed (new space apart) and memory outside it.
  const committed = {
    heapMb: readMetric(text, 'nodejs_heap_size_total_bytes') / 1024 / 1024,
    newSpaceMb:
      readMetric(text, 'nodejs_heap_space_size_total_bytes', { space: 'new' }) / 1024 / 1024,
    externalMb: readMetric(text, 'nodejs_external_memory_bytes') / 1024 / 1024,
  }

  // The unopened retention (2 minutes) and the sweep after it (every 30 s): then only the live
  // conversation is held. Read every 5 s, 4 minutes at most.
  if (!quick) say('flood over; waiting for the unopened retention to pass')
  let expired = false
  for (let tries = 0; tries < (quick ? 0 : 48) && !expired; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 5000))
    expired = readMetric(await metrics(), 'zchat_proxy_conversations_held') <= 1
  }
  const afterExpiry = rssMb()
  const expiredText = await metrics()
  const heapAfterExpiryMb = readMetric(expiredText, 'nodejs_heap_size_used_bytes') / 1024 / 1024
  const warnings = proxy
    .output()
    .split('\n')
    .filter((line) => line.includes('"level":40') && /evict/i.test(line))

  const growth = (quick ? afterFlood : afterExpiry) - before
  const lost = liveTexts.filter((t) => !shown.includes(t))
  const notKept = liveTexts.filter((t) => !kept.includes(t))
  const mb = (n: number) => `${n.toFixed(0)} MB`
  console.log(`| figure | value |`)
  console.log(`| --- | --- |`)
  console.log(`| triggers (unopened, ${kb} KB each) | ${triggers} in ${seconds.toFixed(1)} s |`)
  console.log(`| answers | ${[...statuses].map(([s, n]) => `${n} x ${s}`).join(', ')} |`)
  console.log(
    `| RSS before / peak / after the flood | ${mb(before)} / ${mb(peak)} / ${mb(afterFlood)} |`,
  )
  console.log(
    `| RSS growth at the peak / right after the flood | ${mb(peak - before)} / ${mb(afterFlood - before)} |`,
  )
  console.log(
    `| held after the flood | ${held.conversations} conversations, ${held.events} events, ${mb(held.countedMb)} counted; heap used ${mb(held.heapMb)} |`,
  )
  console.log(
    `| V8 heap committed (of it new space) / external | ${mb(committed.heapMb)} (${mb(committed.newSpaceMb)}) / ${mb(committed.externalMb)} |`,
  )
  console.log(`| evictions by reason | ${JSON.stringify(evictions)} |`)
  console.log(`| eviction warnings logged | ${warnings.length} |`)
  console.log(
    `| live messages shown / kept on reload | ${shown.length} of ${liveTexts.length} / ${kept.length}${reset ? ' (after a reset)' : ''} |`,
  )
  console.log(
    `| after the unopened retention | ${expired ? 'only the live conversation held' : 'still held'}; RSS ${mb(afterExpiry)}, heap ${mb(heapAfterExpiryMb)} |`,
  )
  console.log(
    `| RSS growth the flood left${quick ? ' (right after it)' : ''} (goal < ${growthGoalMb} MB) | ${mb(growth)} |`,
  )
  const failures = [
    ...(lost.length > 0 ? [`the live stream missed ${lost.length} messages`] : []),
    ...(notKept.length > 0 || reset ? [`a reload misses ${notKept.length} live messages`] : []),
    ...([...statuses.keys()].some((s) => s !== 200) ? ['some triggers were not answered 200'] : []),
    ...(growth >= growthGoalMb ? [`the flood left RSS ${mb(growth)} higher`] : []),
  ]
  for (const failure of failures) say(`FAILED: ${failure}`)
  process.exitCode = failures.length > 0 ? 1 : 0
} finally {
  agent.destroy()
  const exited = new Promise((resolve) => proxy.child.once('exit', resolve))
  proxy.child.kill('SIGTERM')
  await exited
  await zchat.close()
}
