/** The soak's figures: percentiles, the RSS trend by least squares, and the table. */
import { percentile, sortNumbers } from '../bench/http.ts'
import type { Tally } from './tally.ts'

/** One reading of a process's memory: minutes since the soak began, bytes. */
export type Reading = { minute: number; bytes: number }

/** A process from its start to its end (an instance killed and started again has two lives). */
export type Life = {
  name: string
  startedMinute: number
  /** The kernel's RSS every 10 s, as it comes (the collector's sawtooth included). */
  readings: Reading[]
  /** Where the process wrote its memory after each full collection. */
  memoryFile: string
  /**
   * Right after a full collection, every 10 s: RSS, heap used (what the process holds) and the heap
   * V8 has committed (its young generation grows in steps under load, up to its maximum).
   */
  collected?: {
    rss: Reading[]
    heap: Reading[]
    heapTotal: Reading[]
    /** Memory outside V8's heap: RSS less the heap it commits (the allocator, buffers, code). */
    native: Reading[]
    /** Buffers and other memory V8 counts outside its heap (`external`), ArrayBuffers included. */
    external: Reading[]
    /** RSS in file pages (node's binary, ICU data): code read in as it first runs, not held. */
    files: Reading[]
  }
}

/** The slope of the least-squares line through the readings, in MB per minute (null: < 3 readings). */
export function slope(readings: Reading[]): number | null {
  if (readings.length < 3) return null
  const n = readings.length
  const mx = readings.reduce((sum, r) => sum + r.minute, 0) / n
  const my = readings.reduce((sum, r) => sum + r.bytes, 0) / n
  let covariance = 0
  let variance = 0
  for (const r of readings) {
    covariance += (r.minute - mx) * (r.bytes - my)
    variance += (r.minute - mx) ** 2
  }
  return variance === 0 ? null : covariance / variance / 1e6
}

const mb = (bytes: number | undefined) =>
  bytes === undefined ? '—' : `${(bytes / 1e6).toFixed(1)} MB`
const ms = (value: number) =>
  Number.isNaN(value) ? '—' : `${value.toFixed(value < 10 ? 2 : 0)} ms`
const signed = (value: number | null) =>
  value === null ? 'n/a (too few readings)' : `${value >= 0 ? '+' : ''}${value.toFixed(2)} MB/min`

export function spread(values: number[]) {
  const sorted = sortNumbers([...values])
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  }
}

const lowHigh = (readings: Reading[]) =>
  readings.length
    ? `${mb(Math.min(...readings.map((r) => r.bytes)))} / ${mb(Math.max(...readings.map((r) => r.bytes)))}`
    : '—'

const met = (ok: boolean) => (ok ? 'met' : '**missed**')
/** A slope against the 1 MB per minute goal. */
const verdict = (slope: number | null) =>
  slope === null ? 'n/a: too few readings to judge' : met(slope < 1)
const examples = (list: string[]) => (list.length ? ` (e.g. ${list.slice(0, 3).join(', ')})` : '')

export type Run = {
  startedAt: Date
  minutes: number
  visitors: number
  warmupMinutes: number
  tally: Tally
  calls: Map<string, number[]>
  agentToFrame: number[]
  failures: Map<number, number>
  emulator: number[]
  lives: Life[]
  redis: Reading[]
  redisRss: Reading[]
  events: string[]
  load: { start: number[]; end: number[] }
  versions: string
  unfinished: number
  /** CPU seconds used over the run, by process. */
  cpu: Map<string, number>
}

/** A life's readings minute by minute, as `minute: lowest-highest MB`, to see the curve the slope sums up. */
export function byMinute(life: Life): string {
  const minutes = new Map<number, number[]>()
  for (const r of life.readings) {
    const key = Math.floor(r.minute)
    minutes.set(key, [...(minutes.get(key) ?? []), r.bytes / 1e6])
  }
  return [...minutes.entries()]
    .map(
      ([minute, values]) =>
        `${minute}: ${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`,
    )
    .join(', ')
}

/**
 * When V8 last grew the heap it commits to a new high (more than 1 MB above the highest reading
 * before it, after a full collection), in minutes; at least `warmupMinutes` into the life. Until
 * then RSS climbs in the steps of the young generation doubling (tens of MB, over five minutes or
 * so), whatever is held; after it, RSS that still grows is memory held. The committed heap also
 * goes down and up again by a megabyte or so as pages are released and taken: that is not growth
 * (a rule on consecutive readings once put a life's whole window after its last reading). The
 * heap used is judged apart, from the fixed warm-up: a leak of JavaScript objects there would show
 * however V8 sizes its heap.
 */
export function heapGrown(life: Life, warmupMinutes: number): number {
  const totals = life.collected?.heapTotal ?? []
  let last = life.startedMinute + warmupMinutes
  let highest = totals[0]?.bytes ?? 0
  for (const reading of totals.slice(1)) {
    if (reading.bytes - highest > 1e6) last = Math.max(last, reading.minute)
    highest = Math.max(highest, reading.bytes)
  }
  return last
}

/** A life's readings after its warm-up, and their slope. */
export function trend(life: Life, readings: Reading[], warmupMinutes: number) {
  const after = readings.filter((r) => r.minute >= life.startedMinute + warmupMinutes)
  return { after, slope: slope(after) }
}

export function table(run: Run): string {
  const { tally } = run
  const all = spread([...run.calls.values()].flat())
  const kinds = [...run.calls.keys()].sort()
  const perKind = kinds
    .map((kind) => {
      const s = spread(run.calls.get(kind)!)
      return `${kind} ${ms(s.p50)} / ${ms(s.p99)} (${s.n})`
    })
    .join('; ')
  const frames = spread(run.agentToFrame)
  const failures = [...run.failures.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`)
    .join(', ')
  const rows: string[] = [
    '| figure | goal | result |',
    '| --- | --- | --- |',
    `| visitor -> zChat: messages the proxy took (202) / in zChat (the emulator's record) | every one once | ${tally.visitor.taken} / ${tally.visitor.inZChat} |`,
    `| visitor -> zChat: lost / doubled | 0 / 0 | ${tally.visitor.lost.length} / ${tally.visitor.doubled.length} (${met(tally.visitor.lost.length === 0 && tally.visitor.doubled.length === 0)})${examples([...tally.visitor.lost, ...tally.visitor.doubled])} |`,
    `| visitor messages given up after a minute of retries (the widget would show them failed) / refused with a 4xx | — / 0 | ${tally.visitor.givenUp} (of which in zChat all the same: ${tally.givenUpButArrived}) / ${tally.visitor.refused.length}${examples(tally.visitor.refused)} |`,
    `| agent -> visitor: messages zChat sent / received on the visitors' streams | every one once | ${tally.agent.sent} / ${tally.agent.received} |`,
    `| agent -> visitor: lost / doubled | 0 / 0 | ${tally.agent.lost.length} / ${tally.agent.doubled.length} (${met(tally.agent.lost.length === 0 && tally.agent.doubled.length === 0)})${examples([...tally.agent.lost, ...tally.agent.doubled])} |`,
    `| frames received twice across reconnects / \`reset\` frames / stream reconnects | — | ${tally.repeatedFrames} / ${tally.resets} / ${tally.reconnects} |`,
    `| conversations started / zChat interactions no visitor heard of / rated (zChat has the rating) | — | ${tally.conversations} / ${tally.orphans} / ${tally.rated.sent} (${tally.rated.inZChat}) |`,
    `| visitor calls through nginx, p50 / p99 (max) | — | ${ms(all.p50)} / ${ms(all.p99)} (${ms(all.max)}), ${all.n} calls |`,
    `| by kind, p50 / p99 (calls) | — | ${perKind} |`,
    `| answers to retry (status: count; a start is retried on 429 and 503 only, as the widget would) | — | ${failures || 'none'} |`,
    `| agent message -> frame at the visitor (emulator's control call, its webhook through nginx, an instance, Redis, the relay, the stream), p50 / p99 (max) | — | ${ms(frames.p50)} / ${ms(frames.p99)} (${ms(frames.max)}), ${frames.n} messages |`,
  ]
  const emulator = spread(run.emulator)
  rows.push(
    `| the emulator's own answers to the agent's calls (is the stand-in for zChat keeping up?), p50 / p99 (max) | — | ${ms(emulator.p50)} / ${ms(emulator.p99)} (${ms(emulator.max)}), ${emulator.n} calls |`,
  )
  for (const life of run.lives) {
    const { after, slope: value } = trend(life, life.readings, run.warmupMinutes)
    rows.push(
      `| RSS of instance ${life.name} (from minute ${life.startedMinute.toFixed(1)}) as it comes, the collector's sawtooth included: lowest / highest; first / last reading; slope after ${run.warmupMinutes} min of warm-up (${after.length} readings) | — | ${lowHigh(life.readings)}; ${mb(life.readings[0]?.bytes)} / ${mb(life.readings.at(-1)?.bytes)}; ${signed(value)} |`,
    )
    const collected = life.collected ?? {
      rss: [],
      heap: [],
      heapTotal: [],
      native: [],
      external: [],
      files: [],
    }
    const heap = trend(life, collected.heap, run.warmupMinutes)
    rows.push(
      `| heap used by instance ${life.name} right after a full collection, every 10 s: first / last; slope after ${run.warmupMinutes} min of warm-up (${heap.after.length} readings) | < 1 MB/min | ${mb(collected.heap[0]?.bytes)} / ${mb(collected.heap.at(-1)?.bytes)}; ${signed(heap.slope)} (${verdict(heap.slope)}) |`,
    )
    const grown = heapGrown(life, run.warmupMinutes)
    const held = trend(life, collected.rss, grown - life.startedMinute)
    rows.push(
      `| RSS of instance ${life.name} right after a full collection: first / last; V8's committed heap ${mb(collected.heapTotal[0]?.bytes)} -> ${mb(collected.heapTotal.at(-1)?.bytes)}, last grown at minute ${grown.toFixed(1)}; slope from then (${held.after.length} readings) | < 1 MB/min | ${mb(collected.rss[0]?.bytes)} / ${mb(collected.rss.at(-1)?.bytes)}; ${signed(held.slope)} (${verdict(held.slope)}) |`,
    )
    // Where RSS grows when the heap does not: outside it. `external` is the part Node counts.
    const native = trend(life, collected.native, grown - life.startedMinute)
    rows.push(
      `| outside V8's heap, instance ${life.name}, right after a full collection: RSS less the committed heap, first / last, slope from minute ${grown.toFixed(1)}; of it \`external\` (buffers), lowest / highest; RSS in file pages (\`RssFile\`), lowest / highest | — | ${mb(collected.native[0]?.bytes)} / ${mb(collected.native.at(-1)?.bytes)}, ${signed(native.slope)}; ${lowHigh(collected.external)}; ${lowHigh(collected.files)} |`,
    )
  }
  const redisSlope = slope(run.redis.filter((r) => r.minute >= run.warmupMinutes))
  rows.push(
    `| Redis used_memory (INFO memory): first / last; slope after warm-up | — | ${mb(run.redis[0]?.bytes)} / ${mb(run.redis.at(-1)?.bytes)}; ${signed(redisSlope)}; used_memory_rss last ${mb(run.redisRss.at(-1)?.bytes)} |`,
  )
  const seconds = [...run.cpu.entries()]
    .map(([name, value]) => `${name} ${value.toFixed(0)} s`)
    .join(', ')
  rows.push(
    `| CPU time used over the run (of ${(run.minutes * 60 * 2).toFixed(0)} core-seconds the 2 cores had, shared with the rest of the machine) | — | ${seconds} |`,
  )
  const loads = (values: number[]) => values.map((v) => v.toFixed(1)).join(' / ')
  return [
    ...rows,
    '',
    ...run.lives.map((life) => `RSS of ${life.name}, each minute's readings: ${byMinute(life)}.`),
    `Started ${run.startedAt.toISOString()}, ${run.minutes} min, ${run.visitors} visitors; load average (1 / 5 / 15 min) ${loads(run.load.start)} at the start, ${loads(run.load.end)} at the end.`,
    `What happened: ${run.events.join('; ')}.`,
    run.unfinished
      ? `${run.unfinished} visitors had not finished when the soak stopped waiting.`
      : '',
    run.versions,
  ]
    .filter(Boolean)
    .join('\n')
}
