/**
 * Budgets for the whole process: so many of something per fixed window, whatever the addresses.
 * A crowd of addresses (a botnet, or one IPv6 client's prefix lowered too far) gets past every
 * per-client limit; what each of those calls costs someone (an interaction an agent must handle, an
 * email in the site's inbox) is capped here. With REDIS_URL every instance shares one
 * (redis/quotas.ts).
 */
import type { ApiError } from './errors.ts'

/** This process's budget (below), or every instance's on Redis (redis/quotas.ts). */
export type Budget = {
  /** Throws the 429 when none is left, without taking one (before asking a CAPTCHA provider). */
  check(): void | Promise<void>
  take(): void | Promise<void>
  /** Gives one back: what it was taken for did not happen. */
  giveBack(): void | Promise<void>
}

/** The error of a spent budget, given the seconds until its window ends. */
export type Refusal = (retryAfterSeconds: number) => ApiError

/** A fixed window of `windowMs`: past `limit` takes, `refused` with the seconds until the next one. */
export function createBudget(
  limit: number,
  windowMs: number,
  refused: Refusal,
  now: () => number = Date.now,
): Budget {
  let windowStart = now()
  let used = 0
  function refuseWhenSpent() {
    const t = now()
    if (t - windowStart >= windowMs) {
      windowStart = t
      used = 0
    }
    if (used >= limit) throw refused(Math.ceil((windowStart + windowMs - t) / 1000))
  }
  return {
    check: refuseWhenSpent,
    take() {
      refuseWhenSpent()
      used++
    },
    giveBack() {
      used = Math.max(0, used - 1)
    },
  }
}

/** Takes one of each budget, or none: when one refuses, those already taken are given back. */
export async function takeEach(budgets: readonly Budget[]): Promise<void> {
  const taken: Budget[] = []
  try {
    for (const budget of budgets) {
      await budget.take()
      taken.push(budget)
    }
  } catch (error) {
    await Promise.all(taken.map((budget) => budget.giveBack()))
    throw error
  }
}
