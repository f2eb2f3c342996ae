/**
 * A phone's network for a page (Chromium's own emulation, over CDP: every request waits the round
 * trip and the bandwidth, loopback or not), and the requests a page makes to one origin, with the
 * browser's own start and end times. The first-open stories and the bench (scripts/bench/page.ts)
 * read the same records.
 */
import type { BrowserContext, Page, Request } from '@playwright/test'

/** Round trip in ms, bandwidth in bytes per second. */
export type NetworkProfile = { name: string; latency: number; down: number; up: number }

/** The issue's phone network: 150 ms round trip, 1.6 Mbit/s down (DevTools' "Fast 4G" is close). */
export const phone: NetworkProfile = {
  name: '150 ms RTT, 1.6 Mbit/s',
  latency: 150,
  down: 1_600_000 / 8,
  up: 750_000 / 8,
}

/** DevTools' "Slow 3G": 400 ms round trip, 400 kbit/s. */
export const slow3g: NetworkProfile = {
  name: 'Slow 3G: 400 ms RTT, 400 kbit/s',
  latency: 400,
  down: 400_000 / 8,
  up: 400_000 / 8,
}

export async function throttle(context: BrowserContext, page: Page, profile: NetworkProfile) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latency,
    downloadThroughput: profile.down,
    uploadThroughput: profile.up,
  })
}

/** One request: when the browser started it and when its response ended, in ms since the epoch. */
export type Fetched = {
  url: string
  start: number
  end: number | null
  /** Body bytes as they came over the wire (compressed), with the response headers. */
  bytes: number
}

/** Records every request to `origin` from now on, in the order they started. */
export function recordRequests(page: Page, origin: string) {
  const all: Fetched[] = []
  const byRequest = new Map<Request, Fetched>()
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) return
    const fetched: Fetched = { url: request.url(), start: Date.now(), end: null, bytes: 0 }
    all.push(fetched)
    byRequest.set(request, fetched)
  })
  const done = async (request: Request) => {
    const fetched = byRequest.get(request)
    if (!fetched) return
    const timing = request.timing()
    // The browser's own clock: the start as it sent the request, the end as the last byte came.
    if (timing.startTime > 0) fetched.start = timing.startTime
    fetched.end = timing.responseEnd >= 0 ? fetched.start + timing.responseEnd : Date.now()
    const sizes = await request.sizes().catch(() => null)
    fetched.bytes = sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0
  }
  page.on('requestfinished', (request) => void done(request))
  page.on('requestfailed', (request) => void done(request))
  return {
    all,
    /** The requests that started at or after `since` (ms since the epoch). */
    since: (since: number) => all.filter((r) => r.start >= since),
  }
}

/**
 * Requests in round trips: a request joins the current wave if it started before any request of
 * that wave had ended; otherwise it had to wait for something that arrived, and starts the next.
 */
export function waves(requests: readonly Fetched[]): Fetched[][] {
  const sorted = [...requests].sort((a, b) => a.start - b.start)
  const result: Fetched[][] = []
  let firstEnd = Number.POSITIVE_INFINITY
  for (const request of sorted) {
    const current = result.at(-1)
    if (current && request.start < firstEnd) current.push(request)
    else {
      result.push([request])
      firstEnd = Number.POSITIVE_INFINITY
    }
    firstEnd = Math.min(firstEnd, request.end ?? Number.POSITIVE_INFINITY)
  }
  return result
}

/** A waterfall as text: each request's start and end after `origin`, its size and its file. */
export function waterfall(requests: readonly Fetched[], since: number): string {
  return [...requests]
    .sort((a, b) => a.start - b.start)
    .map((r) => {
      const file = new URL(r.url).pathname.split('/').pop() ?? r.url
      const end = r.end === null ? 'pending' : `${Math.round(r.end - since)} ms`
      return `${String(Math.round(r.start - since)).padStart(6)} ms -> ${end.padStart(8)}  ${(r.bytes / 1024).toFixed(1).padStart(5)} KB  ${file}`
    })
    .join('\n')
}
