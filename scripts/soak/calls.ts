/**
 * The soak's two kinds of calls: a visitor's, through nginx, retried as the widget retries them
 * (and timed, every try), and the agent's, on the emulator's control API (zChat's agent console);
 * and the soak's record of each conversation, which the stream (stream.ts) fills too.
 */
import { setTimeout as pause } from 'node:timers/promises'
import type { Answer, Client } from '../testing/tls-client.ts'

/** What one conversation's two sides did and saw. */
export type Conversation = {
  id: string
  /** Texts of the visitor's messages the proxy took (2xx), in order. */
  acknowledged: string[]
  /** Texts the visitor gave up on (never taken within a minute of retries). */
  givenUp: string[]
  /** Texts the proxy refused with a 4xx (a mistake of the soak's, or the proxy's). */
  refused: string[]
  /** Texts of the agent's messages the emulator took, with when the agent sent each (ms). */
  agentSent: Map<string, number>
  /** Agent messages received on the stream, by text: how many times. */
  agentReceived: Map<string, number>
  /** Frame ids received more than once across reconnects. */
  repeatedFrames: number
  resets: number
  reconnects: number
  rated: boolean
}

export type Samples = {
  /** Round trip of every visitor call, by kind (start, message, typing, upload, finish, rating). */
  calls: Map<string, number[]>
  /** Agent's send (the emulator's control call) to the frame at the visitor, ms. */
  agentToFrame: number[]
  /** Answers other than success, by status (0: no answer, the connection failed). */
  failures: Map<number, number>
  /** The emulator's own answers to the agent's calls, ms: whether the stand-in kept up. */
  emulator: number[]
}

export type World = {
  client: Client
  emulatorUrl: string
  samples: Samples
  conversations: Conversation[]
  /** No new conversation, nor new messages, once this is past (performance.now()). */
  stopAt: number
}

export const between = (low: number, high: number) => low + Math.random() * (high - low)
export const chance = (p: number) => Math.random() < p

export function count(map: Map<number, number>, key: number) {
  map.set(key, (map.get(key) ?? 0) + 1)
}

function sample(samples: Samples, kind: string, ms: number) {
  const list = samples.calls.get(kind) ?? []
  if (list.length === 0) samples.calls.set(kind, list)
  list.push(ms)
}

export const retryable = (status: number) => status === 0 || status === 429 || status >= 500
/**
 * A start is never sent twice by the widget when its fate is unknown (each would be an interaction
 * for an agent): only a 429 or 503, which say nothing was done. Else the visitor tries later.
 */
export const startRetryable = (status: number) => status === 429 || status === 503

/** Seconds of a Retry-After header, else null. */
function retryAfter(answer: Answer | null): number | null {
  const value = answer?.headers['retry-after']
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) * 1000 : null
}

/**
 * One call, tried again on 429, 5xx or a failed connection (Retry-After, else 0.3 s doubling to
 * 5 s) for up to a minute; the last answer, or null if none came at all.
 */
export async function call(
  world: World,
  kind: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
  again: (status: number) => boolean = retryable,
): Promise<Answer | null> {
  const giveUpAt = performance.now() + 60_000
  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    let answer: Answer | null = null
    try {
      answer = await world.client.call(method, path, {
        headers,
        ...(body !== undefined && { body }),
      })
    } catch {}
    sample(world.samples, kind, performance.now() - started)
    const status = answer?.status ?? 0
    if (retryable(status)) count(world.samples.failures, status)
    if (!again(status)) return answer
    const wait = retryAfter(answer) ?? Math.min(5000, 300 * 2 ** (attempt - 1))
    if (performance.now() + wait > giveUpAt) return answer
    await pause(wait)
  }
}

/** The agent's side, on the emulator's control API (zChat's agent console). */
export async function agent(world: World, hash: string, action: string, body: object = {}) {
  const started = performance.now()
  const response = await fetch(`${world.emulatorUrl}/control/interactions/${hash}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await response.arrayBuffer()
  world.samples.emulator.push(performance.now() - started)
  return response.ok
}
