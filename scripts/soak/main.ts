/**
 * `npm run soak`: two production instances on one Redis behind Debian's nginx (docs/deploy/nginx.conf,
 * round robin), visitors chatting at a person's pace with the emulator's agent for `--minutes`
 * (10 by default); halfway one instance is SIGKILLed and started again, and 30 s later Redis is
 * SIGKILLed and started again (its append-only file, fsync every second, as docs/operations.md
 * advises). Then every message is checked against the emulator's record, both ways, and the table
 * is printed (and written to `--out`). Loopback only; every visitor from an address of its own;
 * it stops by itself (at most about four minutes after `--minutes` when something hangs).
 *
 *   npm run soak                       # 10 minutes, 100 visitors
 *   npm run soak -- --minutes 2        # shorter
 *   npm run soak -- --visitors 40 --out soak.md --keep   # fewer visitors; keep the logs
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as pause } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { createClient } from 'redis'
import { buildProxy } from '../bench/processes.ts'
import { tlsClient } from '../testing/tls-client.ts'
import type { Conversation, Samples, World } from './calls.ts'
import { type Life, type Reading, type Run, table } from './report.ts'
import { cpuSeconds, readCollected, redisMemory, startStack } from './stack.ts'
import { closeLedger } from './tally.ts'
import { visit } from './visitor.ts'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    visitors: { type: 'string', default: '100' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
})
const minutes = Number(args.minutes)
const visitors = Number(args.visitors)
if (!(minutes > 0 && minutes <= 120) || !(visitors >= 1 && visitors <= 2000)) {
  console.error('--minutes: more than 0, up to 120; --visitors: 1 to 2000')
  process.exit(1)
}
const sampleEveryMs = 10_000
/** Readings before this (from each process's start) are left out of the RSS slope. */
const warmupMinutes = Math.min(2, minutes / 5)

const log = (text: string) =>
  console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}`)

log('building dist/proxy from this checkout')
buildProxy()
const dir = mkdtempSync(join(tmpdir(), 'zchat-soak-'))
const stack = await startStack(dir)
log(
  `nginx on 127.0.0.1:${stack.front.port}, instances on ${stack.instances.map((i) => i.port).join(' and ')}, Redis ${stack.redis.url}, emulator ${stack.emulatorUrl} (pid ${stack.emulatorPid}); logs in ${dir}`,
)

const redisClient = createClient({ url: stack.redis.url, RESP: 2 })
redisClient.on('error', () => {})
await redisClient.connect()
// Each visitor's browser, from an address of its own, half over HTTP/2.
const clients = Array.from({ length: visitors }, (_, i) =>
  tlsClient(i % 2 ? 'h1' : 'h2', stack.front.port, `127.77.${1 + (i >> 8)}.${1 + (i & 255)}`),
)
/** Something lost or doubled, or the soak failed: the logs are kept. */
let failed = true
try {
  // zChat tries a trigger again when the webhook fails (docs/zchat/assumptions.md, 15): up to 20
  // times (as the Sales API does), 2 s apart; the proxy answers 503 while Redis is away.
  await fetch(`${stack.emulatorUrl}/control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookRetries: 20, webhookRetryDelayMs: 2000 }),
  })

  const samples: Samples = { calls: new Map(), agentToFrame: [], failures: new Map(), emulator: [] }
  const conversations: Conversation[] = []
  const began = performance.now()
  const startedAt = new Date()
  const minuteNow = () => (performance.now() - began) / 60_000
  const stopAt = began + minutes * 60_000
  const events: string[] = []
  const note = (text: string) => {
    events.push(`${minuteNow().toFixed(1)} min: ${text}`)
    log(text)
  }
  const loadStart = loadavg()

  // Memory, every 10 s: each instance's life, and Redis.
  const lives: Life[] = stack.instances.map((instance) => ({
    name: instance.name,
    startedMinute: 0,
    readings: [],
    memoryFile: instance.memoryFile,
  }))
  const current = [lives[0]!, lives[1]!]
  /** CPU seconds used, by process: each instance's life, the emulator. */
  const cpu = new Map<string, number>()
  const redisUsed: Reading[] = []
  const redisRss: Reading[] = []
  const sampler = setInterval(async () => {
    const minute = minuteNow()
    for (const [index, instance] of stack.instances.entries()) {
      const bytes = instance.rss()
      if (bytes > 0) current[index]!.readings.push({ minute, bytes })
      // A killed process reads 0: its last reading stands.
      const seconds = instance.cpu()
      if (seconds > 0) cpu.set(current[index]!.name, seconds)
    }
    cpu.set('emulator', cpuSeconds(stack.emulatorPid) || (cpu.get('emulator') ?? 0))
    try {
      const memory = await redisMemory(redisClient)
      redisUsed.push({ minute, bytes: memory.used })
      redisRss.push({ minute, bytes: memory.rss })
    } catch {}
  }, sampleEveryMs)

  // Visitors arrive over the first 30 s, each from an address of its own, half over HTTP/2.
  const visiting = clients.map(async (client, i) => {
    await pause((i * 30_000) / visitors)
    const world: World = { client, emulatorUrl: stack.emulatorUrl, samples, conversations, stopAt }
    await visit(world, String(i + 1))
  })
  let finished = 0
  for (const one of visiting) void one.then(() => finished++)

  // Halfway: one instance killed and started again, then Redis.
  await pause(Math.max(0, began + minutes * 30_000 - performance.now()))
  note(`instance B SIGKILLed (${stack.instances[1]!.rss() >> 20} MiB RSS)`)
  const killedAt = performance.now()
  const restarting = stack.killAndRestart(1)
  await restarting
  current[1] = {
    name: "B'",
    startedMinute: minuteNow(),
    readings: [],
    memoryFile: stack.instances[1]!.memoryFile,
  }
  lives.push(current[1])
  note(
    `instance B started again, listening ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
  )
  // 30 s later (a tenth of a shorter run): the instance's visitors are back, and Redis goes.
  await pause(Math.min(30_000, minutes * 6000))
  note('Redis SIGKILLed')
  const redisDownAt = performance.now()
  await stack.redis.stop()
  await stack.redis.start()
  note(
    `Redis started again from its append-only file, ready ${((performance.now() - redisDownAt) / 1000).toFixed(1)} s after the kill`,
  )

  // The end: visitors finish what they are doing; four minutes at most.
  const everyone = Promise.all(visiting)
  const timeout = pause(Math.max(0, stopAt - performance.now()) + 240_000).then(() => 'timeout')
  if ((await Promise.race([everyone, timeout])) === 'timeout')
    note('stopped waiting for the visitors')
  else note('every visitor is done')
  clearInterval(sampler)
  // What each life wrote after its full collections, up to the end of the visits.
  const endedAt = Date.now()
  for (const life of lives) {
    const lines = readCollected(life.memoryFile).filter((line) => line.at <= endedAt)
    const minute = (at: number) => (at - startedAt.getTime()) / 60_000
    life.collected = {
      rss: lines.map((line) => ({ minute: minute(line.at), bytes: line.rss })),
      heap: lines.map((line) => ({ minute: minute(line.at), bytes: line.heap })),
      heapTotal: lines.map((line) => ({ minute: minute(line.at), bytes: line.heapTotal })),
      native: lines.map((line) => ({ minute: minute(line.at), bytes: line.rss - line.heapTotal })),
      external: lines.map((line) => ({ minute: minute(line.at), bytes: line.external })),
      files: lines.map((line) => ({ minute: minute(line.at), bytes: line.rssFile })),
    }
  }
  const loadEnd = loadavg()

  // zChat's last deliveries (retries included), then the ledger.
  await Promise.race([
    fetch(`${stack.emulatorUrl}/control/webhooks/settle`, { method: 'POST' }),
    pause(30_000),
  ])
  const tally = await closeLedger(stack.emulatorUrl, conversations)
  const redisVersion = /redis_version:(\S+)/.exec(await redisClient.info('server'))?.[1] ?? '?'

  const run: Run = {
    startedAt,
    minutes,
    visitors,
    warmupMinutes,
    tally,
    calls: samples.calls,
    agentToFrame: samples.agentToFrame,
    failures: samples.failures,
    emulator: samples.emulator,
    lives,
    redis: redisUsed,
    redisRss,
    events,
    load: { start: loadStart, end: loadEnd },
    versions: `Node ${process.version}; Debian's nginx with docs/deploy/nginx.conf; Redis ${redisVersion}, appendonly yes, appendfsync everysec.`,
    unfinished: visitors - finished,
    cpu: new Map([
      ...cpu,
      [
        'the soak itself (visitors and agent)',
        (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      ],
    ]),
  }
  const text = table(run)
  console.log(`\n${text}\n`)
  if (args.out) writeFileSync(args.out, `${text}\n`)
  const lost = tally.visitor.lost.length + tally.agent.lost.length
  const doubled = tally.visitor.doubled.length + tally.agent.doubled.length
  failed = lost + doubled > 0
  if (failed) {
    writeFileSync(
      join(dir, 'ledger.json'),
      JSON.stringify(
        {
          tally,
          conversations: conversations.map((c) => ({
            ...c,
            agentSent: [...c.agentSent],
            agentReceived: [...c.agentReceived],
          })),
        },
        null,
        1,
      ),
    )
  }
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  for (const client of clients) client.close()
  await redisClient.quit().catch(() => {})
  await stack.close()
  if (args.keep || failed) log(`logs kept in ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
}
process.exit()
