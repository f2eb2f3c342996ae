/**
 * Evictions as an operator sees them: each one counted (/metrics) as it happens, and those that say
 * the log is at its caps (pressureReasons, not retention running out) logged at warn at most once
 * every `everyMs`: the first at once, then the counts by reason gathered since the last line. A
 * flood of triggers costs a line a minute, not one per trigger.
 */
import { type EvictionReason, pressureReasons } from './log.ts'

export type EvictionReport = {
  onEvict(reason: EvictionReason, count: number): void
  stop(): void
}

export function createEvictionReport({
  count,
  warn,
  everyMs = 60_000,
}: {
  count: (reason: EvictionReason, count: number) => void
  warn: (evicted: Partial<Record<EvictionReason, number>>) => void
  everyMs?: number
}): EvictionReport {
  let pending: Partial<Record<EvictionReason, number>> = {}
  let quiet: ReturnType<typeof setTimeout> | null = null

  function flush() {
    quiet = null
    if (Object.keys(pending).length === 0) return
    warn(pending)
    pending = {}
    quiet = setTimeout(flush, everyMs)
    quiet.unref()
  }

  return {
    onEvict(reason, n) {
      count(reason, n)
      if (!pressureReasons.has(reason)) return
      pending[reason] = (pending[reason] ?? 0) + n
      if (quiet === null) flush()
    },
    stop() {
      if (quiet) clearTimeout(quiet)
      quiet = null
      pending = {}
    },
  }
}
