/**
 * The proxy's clock as the page sees it. Event `at` times are stamped by the proxy, and a visitor's
 * clock can be minutes off, so anything that ages an event (the agent-typing window) must measure
 * on the proxy's clock. Every proxy response carries a `Date` header (Node sets it; CORS exposes it):
 * the latest one gives the offset. Until one arrives, or if it is missing, the offset stays as it was
 * (0 at first: the page's own clock).
 */
export type ServerClock = {
  /** The proxy's time now, in ms since the epoch: the page's clock plus the latest offset. */
  now(): number
  /** `fetch` that measures the offset from each response's `Date` header. */
  fetch: typeof fetch
}

/**
 * The proxy's clock minus the page's, from a `Date` header read at `receivedAt` (page clock), or
 * undefined when the header is absent or unreadable. The header has 1 s resolution and is truncated
 * (RFC 9110 §5.6.7), so the proxy's time was somewhere in the following second: take its middle.
 * The one-way latency is unknown and left out; a few hundred ms do not matter to a 10 s window.
 */
export function estimateOffset(date: string | null, receivedAt: number): number | undefined {
  if (date === null) return undefined
  const sent = Date.parse(date)
  return Number.isNaN(sent) ? undefined : sent + 500 - receivedAt
}

export function createServerClock(
  fetchFn: typeof fetch = fetch,
  pageNow: () => number = () => Date.now(),
): ServerClock {
  let offset = 0
  return {
    now: () => pageNow() + offset,
    fetch: async (input, init) => {
      const response = await fetchFn(input, init)
      offset = estimateOffset(response.headers.get('date'), pageNow()) ?? offset
      return response
    },
  }
}
