/**
 * `npm run bench`: the proxy against a raw node:http baseline, on loopback, in one run, and one
 * markdown table of the figures in issue 11 with their goals. `--quick` for about a minute,
 * `--streams N` for another number of idle streams, `--no-page` to skip the browser part.
 * Everything it needs it starts itself: a fake zChat that answers at once, the proxy from its
 * production entry (proxy/main.ts through tsx), the baseline (baseline.ts), Chromium (page.ts).
 * With REDIS_URL set, a second proxy (the same entry and settings, on that Redis: redis.ts) runs the
 * webhook -> frame and ingestion phases again; `--redis-streams N` for fewer idle streams there.
 */
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { createVisitors } from '../../proxy/visitors.ts'
import { startFakeZChat } from './fake-zchat.ts'
import { call, keepAlive, pool } from './http.ts'
import { firstOpenReport, measurePage, type PageFigures } from './page.ts'
import {
  type Conversation,
  closeStreams,
  type Ingestion,
  ingest,
  type Latency,
  latency,
  openStreams,
  postTrigger,
  reconnectStorm,
  type Storm,
  type Target,
} from './phases.ts'
import {
  benchSecrets,
  buildProxy,
  type Memory,
  settledMemory,
  startBaseline,
  startProxy,
} from './processes.ts'
import { type BenchRedis, openBenchRedis } from './redis.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    streams: { type: 'string' },
    'no-page': { type: 'boolean', default: false },
    'redis-streams': { type: 'string' },
  },
})
const quick = args.quick
const streamCount = Number(args.streams ?? (quick ? 2000 : 10_000))
const samples = quick ? 300 : 1000
const ingestSeconds = quick ? 4 : 10
/** Unmeasured load before the ingestion and the messages are measured (phases.ts, messageCost). */
const warmSeconds = quick ? 1 : 3
const warmMessages = quick ? 300 : 1000
const messageSamples = quick ? 500 : 2000
const retainedCount = quick ? 500 : 2000
const width = 32
if (!Number.isInteger(streamCount) || streamCount < 1) throw new Error('--streams takes a count')
const redisStreamCount = Number(args['redis-streams'] ?? streamCount)
if (!Number.isInteger(redisStreamCount) || redisStreamCount < 1) {
  throw new Error('--redis-streams takes a count')
}

const say = (text: string) => console.error(`[bench] ${text}`)

if (!process.env.BENCH_PROXY_ENTRY) {
  say('building the proxy (dist/proxy)')
  buildProxy()
}
const zchat = await startFakeZChat()
const visitors = createVisitors(benchSecrets.session, 24 * 60 * 60 * 1000)
const visitorAgent = keepAlive(8)
const directAgent = keepAlive(8)
const forwarderAgent = keepAlive(8)

/** What a conversation id is, per target: zChat's hash in the proxy, our own in the baseline. */
const ids = new WeakMap<Conversation, string>()
const idOf = (c: Conversation) => ids.get(c) ?? ''

async function proxyTarget(redisUrl?: string): Promise<Target> {
  const proxy = await startProxy(zchat.url, redisUrl ? { REDIS_URL: redisUrl } : {})
  const webhookUrl = `${proxy.url}/webhooks/zchat/${benchSecrets.webhook}`
  return {
    ...proxy,
    name: redisUrl ? 'proxy on Redis' : 'proxy',
    // A credential signed with the proxy's secret, for a conversation it has not seen: the
    // stream takes it up (routes/conversation.ts), as after a restart. No call, no churn.
    async open(i) {
      const conversationId = `bench-stream-${i}`
      const { credential } = visitors.issue(conversationId)
      const c = {
        eventsUrl: `${proxy.url}/v1/conversations/${encodeURIComponent(conversationId)}/events`,
        headers: { authorization: `Bearer ${credential}`, origin: benchSecrets.origin },
        webhookUrl,
      }
      ids.set(c, conversationId)
      return c
    },
  }
}

/** Conversations started through the proxy, then `events` agent messages each: the heap they hold. */
async function retainedConversations(target: Target, count: number, events: number) {
  const before = await target.memory()
  const started: Conversation[] = []
  await pool(count, 16, async () => {
    const answer = await call(
      visitorAgent,
      'POST',
      `${target.url}/v1/conversations`,
      { department: 1 },
      { origin: benchSecrets.origin },
    )
    if (answer.status !== 201) throw new Error(`start answered ${answer.status}: ${answer.body}`)
    const { conversationId } = JSON.parse(answer.body) as { conversationId: string }
    const c = {
      eventsUrl: '',
      headers: {},
      webhookUrl: `${target.url}/webhooks/zchat/${benchSecrets.webhook}`,
    }
    ids.set(c, conversationId)
    started.push(c)
  })
  await pool(count * events, 32, async (n) => {
    const c = started[n % count]!
    const answer = await postTrigger(c, idOf(c))
    if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}`)
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  const after = await target.memory()
  return {
    conversations: count,
    events,
    perConversation: (after.heapUsed - before.heapUsed) / count,
  }
}

async function baselineTarget(): Promise<Target> {
  const baseline = await startBaseline()
  return {
    ...baseline,
    name: 'baseline',
    async open(i) {
      const c = {
        eventsUrl: `${baseline.url}/events/c${i}`,
        headers: {},
        webhookUrl: `${baseline.url}/webhooks/c${i}`,
      }
      ids.set(c, `c${i}`)
      return c
    },
  }
}

/**
 * What the proxy adds to a visitor's message: the same message through it, through a bare node:http
 * forwarder in a process of its own (the baseline's third job), and to zChat directly, interleaved.
 * The fake zChat runs in the bench's process, so the direct call crosses no process: the forwarder
 * shows what any proxy in its own process adds on this machine (two more hops, each waking a
 * process), and the proxy's own cost is what it adds beyond that.
 */
async function messageCost(target: Target, conversations: Conversation[]) {
  const forwarder = await startBaseline(zchat.url)
  const through: number[] = []
  const forwarded: number[] = []
  const direct: number[] = []
  let cpuBefore = 0
  let forwarderCpuBefore = 0
  let forwarderCpuMicros = 0
  const timed = async (send: () => Promise<{ status: number; body: string }>, expect: number) => {
    const t = performance.now()
    const answer = await send()
    const took = performance.now() - t
    if (answer.status !== expect)
      throw new Error(`message answered ${answer.status}: ${answer.body}`)
    return took
  }
  try {
    for (let s = -warmMessages; s < messageSamples; s++) {
      const c = conversations[(s + warmMessages) % conversations.length]!
      const id = encodeURIComponent(idOf(c))
      const text = `visitor message ${s}`
      const zchatBody = { token: 'bench-token', content: text, type: 'text' }
      const viaProxy = await timed(
        () =>
          call(
            visitorAgent,
            'POST',
            `${target.url}/v1/conversations/${id}/messages`,
            { clientId: `bench-${s + warmMessages}-${Date.now()}`, text },
            c.headers,
          ),
        202,
      )
      const viaForwarder = await timed(
        () => call(forwarderAgent, 'POST', `${forwarder.url}/forward/${id}`, zchatBody),
        200,
      )
      const straight = await timed(
        () => call(directAgent, 'POST', `${zchat.url}/interactions/${id}/messages`, zchatBody),
        200,
      )
      if (s === -1) {
        cpuBefore = await target.cpuMicros()
        forwarderCpuBefore = await forwarder.cpuMicros()
      }
      if (s >= 0) {
        through.push(viaProxy)
        forwarded.push(viaForwarder)
        direct.push(straight)
      }
    }
    forwarderCpuMicros = ((await forwarder.cpuMicros()) - forwarderCpuBefore) / messageSamples
  } finally {
    await forwarder.stop()
  }
  const cpuMicros = ((await target.cpuMicros()) - cpuBefore) / messageSamples
  return {
    through: latency(through),
    forwarded: latency(forwarded),
    direct: latency(direct),
    cpuMicros,
    forwarderCpuMicros,
  }
}

type Run = {
  streams: { before: Memory; after: Memory; closed: Memory; count: number; webhookToFrame: Latency }
  storm: Storm | null
  ingestion: Ingestion
  /** Redis's own CPU time per trigger during ingestion (the proxy on Redis only). */
  redisCpuMicrosPerTrigger: number | null
  retained: { conversations: number; events: number; perConversation: number } | null
  message: {
    through: Latency
    forwarded: Latency
    direct: Latency
    cpuMicros: number
    forwarderCpuMicros: number
  } | null
}

async function run(target: Target, redis: BenchRedis | null = null): Promise<Run> {
  const count = redis ? redisStreamCount : streamCount
  say(`${target.name}: ${count} idle streams`)
  const opened = await openStreams(target, count, samples, idOf)
  let storm: Storm | null = null
  if (target.name === 'proxy') {
    say(`${target.name}: reconnect storm`)
    storm = await reconnectStorm(opened.conversations, opened.readers, idOf)
  }
  closeStreams(opened.readers)
  // What stays once the streams are gone: the conversations themselves (the proxy's log).
  const closed = await settledMemory(target, 15)
  const mb = (m: Memory) =>
    `heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MB, RSS ${(m.rss / 2 ** 20).toFixed(1)} MB`
  say(
    `${target.name}: fresh ${mb(opened.before)}; streams open ${mb(opened.after)}; closed ${mb(closed)}`,
  )
  let message = null
  let retained = null
  if (target.name === 'proxy') {
    say(`${target.name}: retained conversations`)
    retained = await retainedConversations(target, retainedCount, 10)
  }
  say(`${target.name}: webhook ingestion for ${ingestSeconds} s`)
  const redisCpuBefore = redis ? await redis.cpuMicros() : 0
  const ingestion = await ingest(
    target,
    opened.conversations,
    { seconds: ingestSeconds, warmSeconds, width },
    idOf,
  )
  const redisCpuMicrosPerTrigger = redis
    ? ((await redis.cpuMicros()) - redisCpuBefore) / ingestion.latency.count
    : null
  if (target.name === 'proxy') {
    say(`${target.name}: visitor messages`)
    // The ingestion's garbage collected first (two forced GCs in the process): its tens of
    // thousands of triggers are not a visitor message's cost.
    await target.memory()
    message = await messageCost(target, opened.conversations)
  }
  await target.stop()
  return {
    streams: { ...opened, closed, count },
    storm,
    ingestion,
    redisCpuMicrosPerTrigger,
    retained,
    message,
  }
}

// --- the table ---------------------------------------------------------------------------------

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const ms = (value: number) => `${value.toFixed(2)} ms`
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
/**
 * A stream's own memory: with the streams open, less the process before them and less what stays
 * once they close (the conversations they took up in the log, which exist without any stream).
 * The heap is read directly; RSS is its growth less the same conversations' heap.
 */
const perStream = (r: Run, key: keyof Memory) => {
  const { before, after, closed, count } = r.streams
  const conversations = Math.max(0, closed.heapUsed - before.heapUsed)
  return key === 'heapUsed'
    ? (after.heapUsed - closed.heapUsed) / count
    : (after.rss - before.rss - conversations) / count
}
const mark = (met: boolean) => (met ? 'met' : '**missed**')
const rate = (n: number) => `${Math.round(n).toLocaleString('en')}/s`
/**
 * Issue 11 set 5,000 triggers a second where the raw node:http baseline ingested 9,063: absolute
 * rates move with the machine (on 2 cores the bench's own senders share them with the server), so a
 * rate is also judged as that share of the baseline measured in the same run, as the issue asks.
 */
const rateGoalRatio = 5000 / 9063
const judge = (absolute: boolean, scaled: boolean) =>
  absolute ? 'met' : scaled ? 'met against the baseline; not in absolute terms here' : '**missed**'
const rateGoal = (b: Ingestion) =>
  `>= 5,000/s, p99 < 20 ms; scaled to this run's baseline: >= ${rate(b.perSecond * rateGoalRatio)} (${rateGoalRatio.toFixed(2)}×)`
const cpuGoal = `<= 200 µs (5,000/s on one core); scaled: <= ${(1 / rateGoalRatio).toFixed(2)}× the baseline's`
/** An ingestion's rate and p99 against the goal, absolute and as a share of the baseline `b`. */
function ingested(i: Ingestion, b: Ingestion) {
  const p99 = i.latency.p99
  const rateMet = judge(i.perSecond >= 5000, i.perSecond >= b.perSecond * rateGoalRatio)
  const p99Met = `${mark(p99 < 20)}${p99 >= 20 && b.latency.p99 >= 20 ? ', as the baseline’s own' : ''}`
  return `${rate(i.perSecond)} (${rateMet}), p99 ${ms(p99)} (${p99Met})${i.failed ? `, ${i.failed} failed` : ''}`
}
/** CPU time per trigger against 200 µs, or against the baseline's scaled as the rate is. */
function cpuPerTrigger(i: Ingestion, b: Ingestion) {
  const micros = i.cpuMicrosPerTrigger
  const met = judge(micros <= 200, micros / b.cpuMicrosPerTrigger <= 1 / rateGoalRatio)
  return `${micros.toFixed(0)} µs (${rate(1e6 / micros)} per core; ${met})`
}

function machine() {
  const cpu = cpus()
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}, ${process.platform} ${process.arch}`
}

function table(
  proxy: Run,
  baseline: Run,
  redis: { run: Run; server: BenchRedis } | null,
  page: PageFigures | null,
): string {
  const rows: string[][] = []
  const pRss = perStream(proxy, 'rss')
  const bRss = perStream(baseline, 'rss')
  const pHeap = perStream(proxy, 'heapUsed')
  const bHeap = perStream(baseline, 'heapUsed')
  rows.push([
    `memory per idle SSE stream (RSS), ${streamCount} streams`,
    '<= 12 KB',
    `${kb(pRss)} (${mark(pRss <= 12 * 1024)})`,
    kb(bRss),
    ratio(pRss, bRss),
  ])
  rows.push([
    `memory per idle SSE stream (heap), ${streamCount} streams`,
    '—',
    kb(pHeap),
    kb(bHeap),
    ratio(pHeap, bHeap),
  ])
  const pw = proxy.streams.webhookToFrame
  const bw = baseline.streams.webhookToFrame
  rows.push([
    `webhook -> frame at the visitor, ${streamCount} idle streams, p50 / p99`,
    '<= 2 ms / <= 10 ms',
    `${ms(pw.p50)} / ${ms(pw.p99)} (${mark(pw.p50 <= 2 && pw.p99 <= 10)})`,
    `${ms(bw.p50)} / ${ms(bw.p99)}`,
    `${ratio(pw.p50, bw.p50)} / ${ratio(pw.p99, bw.p99)}`,
  ])
  const pi = proxy.ingestion
  const bi = baseline.ingestion
  rows.push([
    `webhook triggers ingested per second, one instance (${width} senders), p99`,
    rateGoal(bi),
    ingested(pi, bi),
    `${rate(bi.perSecond)}, p99 ${ms(bi.latency.p99)}`,
    ratio(pi.perSecond, bi.perSecond),
  ])
  rows.push([
    'CPU time per webhook trigger in the server (what one core could take, the load of the machine aside)',
    cpuGoal,
    cpuPerTrigger(pi, bi),
    `${bi.cpuMicrosPerTrigger.toFixed(0)} µs (${Math.round(1e6 / bi.cpuMicrosPerTrigger).toLocaleString('en')}/s per core)`,
    ratio(pi.cpuMicrosPerTrigger, bi.cpuMicrosPerTrigger),
  ])
  if (proxy.message) {
    const { through, forwarded, direct } = proxy.message
    const add50 = through.p50 - direct.p50
    const add99 = through.p99 - direct.p99
    const bare50 = forwarded.p50 - direct.p50
    const bare99 = forwarded.p99 - direct.p99
    const own50 = through.p50 - forwarded.p50
    const own99 = through.p99 - forwarded.p99
    rows.push([
      'what the proxy adds to a visitor message over calling zChat directly, p50 / p99; its own cost: over a bare node:http forwarder',
      '<= 1 ms / <= 5 ms',
      `+${ms(add50)} / +${ms(add99)} (${mark(add50 <= 1 && add99 <= 5)}); own cost +${ms(own50)} / +${ms(own99)} (${mark(own50 <= 1 && own99 <= 5)})`,
      `the forwarder adds +${ms(bare50)} / +${ms(bare99)}; direct: ${ms(direct.p50)} / ${ms(direct.p99)}`,
      `${ratio(through.p50, forwarded.p50)} / ${ratio(through.p99, forwarded.p99)}`,
    ])
    rows.push([
      "the proxy's CPU time per visitor message (validation, zChat call, log, answer); the forwarder's beside it",
      '—',
      `${proxy.message.cpuMicros.toFixed(0)} µs`,
      `${proxy.message.forwarderCpuMicros.toFixed(0)} µs (bare forwarder)`,
      ratio(proxy.message.cpuMicros, proxy.message.forwarderCpuMicros),
    ])
  }
  if (proxy.storm) {
    const s = proxy.storm
    rows.push([
      `reconnect storm: ${s.count} streams dropped at once`,
      'all resume, none lost or doubled',
      `${(s.ms / 1000).toFixed(1)} s (all reconnected in ${(s.reconnectedMs / 1000).toFixed(1)} s), ${s.resumed} resumed, ${s.lost} lost, ${s.doubled} doubled (${mark(s.lost === 0 && s.doubled === 0)})`,
      '— (no resume)',
      '—',
    ])
  }
  if (proxy.retained) {
    const r = proxy.retained
    rows.push([
      `memory held per retained conversation (in-memory log; ${r.conversations} conversations of ${r.events + 1} events: queued + ${r.events} agent messages), heap`,
      '—',
      kb(r.perConversation),
      '—',
      '—',
    ])
  }
  rows.push(...redisRows(redis, proxy, baseline))
  if (page) {
    rows.push(...pageRows(page))
  } else {
    rows.push(['page impact (Chromium)', '—', 'skipped (--no-page)', '—', '—'])
  }
  const head = ['figure', 'goal', 'proxy', 'raw node:http baseline', 'proxy / baseline']
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
    `Machine: ${machine()}.`,
    `Command: \`${redis ? 'REDIS_URL=… ' : ''}npm run bench${quick ? ' -- --quick' : ''}${args.streams ? ` -- --streams ${streamCount}` : ''}${args['redis-streams'] ? ` -- --redis-streams ${redisStreamCount}` : ''}\`; ${samples} webhook -> frame samples, ingestion for ${ingestSeconds} s, ${messageSamples} visitor messages.`,
    ...(redis
      ? [
          `Redis: ${redis.server.version} at REDIS_URL, database ${redis.server.db} (emptied before and after the run); the proxy on Redis is a second process from the same entry with the same settings plus REDIS_URL. Redis's CPU is INFO cpu (used_cpu_user + used_cpu_sys) over the ingestion phase, so it counts any other client of that server too.`,
        ]
      : []),
    'Notes: loopback only; streams come from 250 client addresses (127.0.0.2-251) and the proxy runs with its per-address and per-minute limits raised (RATE_LIMIT_PER_MINUTE, WEBHOOK_PER_MINUTE, STARTS_PER_MINUTE(_GLOBAL), MAX_STREAMS(_PER_IP), MAX_CONNECTIONS_PER_IP), since one client machine plays every visitor and zChat. The proxy logs at info to /dev/null. Memory is RSS and V8 heap after two forced GCs in the measured process, on a fresh process before the streams, with them open, and after they close; per stream is the growth less what the conversations themselves hold in the log (what stays after the close), divided by the number of streams. The fake zChat answers at once, in the bench process.',
  ].join('\n')
}

/**
 * The Redis rows: the proxy on Redis against the goal, with the in-memory proxy's figure beside it
 * and the baseline in its own column. Without REDIS_URL, how to get them.
 */
function redisRows(
  redis: { run: Run; server: BenchRedis } | null,
  proxy: Run,
  baseline: Run,
): string[][] {
  const bi = baseline.ingestion
  const bw = baseline.streams.webhookToFrame
  if (!redis) {
    const how = 'n/a: `REDIS_URL=redis://127.0.0.1:6379 npm run bench`'
    return [
      [
        'webhook -> frame at the visitor, with Redis, p50 / p99',
        '<= 2 ms / <= 10 ms',
        how,
        '—',
        '—',
      ],
      [
        'webhook triggers ingested per second, with Redis, p99',
        '>= 5,000/s, p99 < 20 ms',
        how,
        '—',
        '—',
      ],
      ['CPU time per webhook trigger in the proxy, with Redis', '<= 200 µs', how, '—', '—'],
    ]
  }
  const r = redis.run
  const rw = r.streams.webhookToFrame
  const pw = proxy.streams.webhookToFrame
  const ri = r.ingestion
  const pi = proxy.ingestion
  const redisCpu = r.redisCpuMicrosPerTrigger ?? 0
  return [
    [
      `webhook -> frame at the visitor, with Redis, ${r.streams.count} idle streams, p50 / p99`,
      '<= 2 ms / <= 10 ms',
      `${ms(rw.p50)} / ${ms(rw.p99)} (${mark(rw.p50 <= 2 && rw.p99 <= 10)}); in memory ${ms(pw.p50)} / ${ms(pw.p99)}`,
      `${ms(bw.p50)} / ${ms(bw.p99)}`,
      `${ratio(rw.p50, bw.p50)} / ${ratio(rw.p99, bw.p99)}`,
    ],
    [
      `webhook triggers ingested per second, with Redis, one instance (${width} senders), p99`,
      rateGoal(bi),
      `${ingested(ri, bi)}; in memory ${rate(pi.perSecond)}, p99 ${ms(pi.latency.p99)}`,
      `${rate(bi.perSecond)}, p99 ${ms(bi.latency.p99)}`,
      ratio(ri.perSecond, bi.perSecond),
    ],
    [
      "CPU time per webhook trigger in the proxy, with Redis (and Redis's own, beside it)",
      cpuGoal,
      `${cpuPerTrigger(ri, bi)}, Redis ${redisCpu.toFixed(0)} µs; in memory ${pi.cpuMicrosPerTrigger.toFixed(0)} µs`,
      `${bi.cpuMicrosPerTrigger.toFixed(0)} µs`,
      ratio(ri.cpuMicrosPerTrigger, bi.cpuMicrosPerTrigger),
    ],
  ]
}

function pageRows(page: PageFigures): string[][] {
  const f = (n: number) => `${n.toFixed(1)} ms`
  const pair = (v: { cold: number; warm: number }, unit: (n: number) => string) =>
    `${unit(v.cold)} / ${unit(v.warm)}`
  const bytes = (n: number) => `${n.toLocaleString('en')} B`
  return [
    [
      'page: main-thread time the loader costs the host page during load, cold / warm',
      '—',
      pair(page.loaderMainThreadMs, f),
      '—',
      '—',
    ],
    [
      'page: long tasks (> 50 ms) attributable to the widget',
      '0',
      `${page.widgetLongTasks} (${mark(page.widgetLongTasks === 0)})`,
      '—',
      '—',
    ],
    [
      'page: bytes fetched from the proxy before intent (no click, no hover), cold / warm',
      '—',
      pair(page.bytesBeforeIntent, bytes),
      '—',
      '—',
    ],
    [
      'page: click on the launcher to a usable composer ("Message" enabled), cold / warm',
      '—',
      pair(page.clickToComposer, f),
      '—',
      '—',
    ],
  ]
}

// --- the run -----------------------------------------------------------------------------------

const startedAt = Date.now()
try {
  const proxy = await run(await proxyTarget())
  let redis: { run: Run; server: BenchRedis } | null = null
  if (process.env.REDIS_URL) {
    const server = await openBenchRedis(process.env.REDIS_URL)
    try {
      say(`Redis ${server.version}, database ${server.db} (emptied)`)
      redis = { run: await run(await proxyTarget(server.url), server), server }
    } finally {
      await server.close()
    }
  }
  const baseline = await run(await baselineTarget())
  let page: PageFigures | null = null
  if (!args['no-page']) {
    say('page impact in Chromium')
    page = await measurePage()
  }
  console.log(table(proxy, baseline, redis, page))
  if (page)
    console.log(
      `\nThe chat's first open on a phone's network (issue 19):\n\n${firstOpenReport(page.firstOpen)}`,
    )
  say(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`)
} finally {
  await zchat.close()
  visitorAgent.destroy()
  directAgent.destroy()
  forwarderAgent.destroy()
}
process.exit(0)
