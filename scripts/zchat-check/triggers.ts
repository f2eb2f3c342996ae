/**
 * What arrived at the check's server, read as the proxy would read it: webhook calls against the
 * proxy's receiver (proxy/routes/webhook.ts: POST, JSON, 64 KB, proxy/zchat/schemas.ts `trigger`),
 * and GETs of the history and the sample files.
 */
import { trigger, unknownStateTrigger } from '../../proxy/zchat/schemas.ts'
import { type Row, row, shorten } from './rows.ts'
import type { CheckServer, WebhookCall } from './server.ts'
import { parseJson } from './zchat.ts'

export type ReadCall = {
  call: WebhookCall
  /** Null when the body is not JSON. */
  json: unknown
  hash: string | null
  /** Case-folded, as the proxy reads it; null for an agent's message or no state at all. */
  state: string | null
  position: unknown
  /** This run's interaction: its hash, or this run's id echoed in `extra`. */
  ours: boolean
  extraEchoed: boolean
  /** Why the proxy would not take it as the interaction's trigger; null when it would. */
  problem: string | null
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The media type the proxy's webhook takes, whatever its parameters and case. */
const isJsonType = (type: string | null) =>
  type !== null && type.split(';')[0]!.trim().toLowerCase() === 'application/json'

export function readCall(call: WebhookCall, hash: string | null, runId: string): ReadCall {
  const parsed = parseJson(call.text)
  const json = parsed?.json ?? null
  const body = isRecord(json) ? json : {}
  const extra = body.extra
  const extraEchoed = isRecord(extra) && extra.zchat_check_run === runId
  const given = typeof body.interaction_hash === 'string' ? body.interaction_hash : null
  const state = typeof body.state === 'string' ? body.state.trim().toLowerCase() : null
  const ours = (hash !== null && given === hash) || extraEchoed
  return {
    call,
    json,
    hash: given,
    state,
    position: body.position,
    ours,
    extraEchoed,
    problem: problemOf(call, json, parsed !== null, given, hash),
  }
}

function problemOf(
  call: WebhookCall,
  json: unknown,
  isJson: boolean,
  given: string | null,
  hash: string | null,
): string | null {
  if (call.method !== 'POST')
    return `sent with ${call.method}: the proxy takes POST only (it answers 404)`
  if (call.tooLarge) return 'larger than 64 KB: the proxy answers 413 (WEBHOOK_BODY_LIMIT_BYTES)'
  if (!isJsonType(call.contentType))
    return `Content-Type ${call.contentType ?? '(none)'}: the proxy takes application/json only (it answers 415)`
  if (!isJson) return 'a body that is not JSON: the proxy answers 400'
  const read = trigger.safeParse(json)
  if (!read.success) {
    const unknown = unknownStateTrigger.safeParse(json)
    if (unknown.success)
      return `state "${shorten(unknown.data.state, 40)}" is one the proxy does not know: it acknowledges and ignores it`
    const issue = read.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return `not a trigger the proxy reads (${where}${issue?.message ?? 'invalid'}): it answers 400`
  }
  if (hash !== null && given !== hash)
    return `interaction_hash "${shorten(given ?? '', 60)}" is not the start's "${hash}": the proxy routes triggers by hash and would drop it`
  return null
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function describeCall(read: ReadCall, since: number): string {
  const what = read.state ?? (isRecord(read.json) && 'message' in read.json ? 'message' : '?')
  const position =
    read.state === 'queued' && read.position !== undefined && read.position !== null
      ? ` position ${shorten(String(read.position), 10)}`
      : ''
  const echo = read.extraEchoed ? 'extra echoed' : 'extra not echoed (the proxy does not need it)'
  return `${read.call.method} ${what}${position} after ${seconds(read.call.at - since)}; ${echo}`
}

export type TriggerContext = {
  server: CheckServer
  reads: ReadCall[]
  waitMs: number
  /** The webhook URL as it may be shown (the secret masked). */
  webhookUrl: string
  hostPort: string
}

/** Where to look when nothing reached the webhook. */
export function webhookHint({ server, reads, waitMs, webhookUrl, hostPort }: TriggerContext) {
  const wrong = server.wrongSecretCalls()
  const others = reads.filter((read) => !read.ours && read.hash !== null).length
  const fetched = server.fetches.length > 0
  const lines = [
    `No trigger for this interaction reached the webhook within ${seconds(waitMs)}.`,
    wrong > 0
      ? `${wrong} call(s) came to /webhooks/zchat/ with another secret: the Webhook URL in zChat's admin does not end in ZCHAT_WEBHOOK_SECRET.`
      : '',
    others > 0
      ? `${others} trigger(s) for other interactions did arrive: the webhook is reachable, but this interaction's did not come.`
      : '',
    fetched && others === 0 && wrong === 0
      ? 'zChat did reach PUBLIC_URL (it fetched a file or the history): the Webhook URL in its admin is likely empty or another address.'
      : '',
    `In zChat's admin (https://zchat-admin.zenvia.com, Menu > Settings > Integrations > API) the Webhook URL must be ${webhookUrl}: PUBLIC_URL, /webhooks/zchat/, then ZCHAT_WEBHOOK_SECRET exactly.`,
    `PUBLIC_URL must be reachable from the internet (not localhost or a private address; a valid TLS certificate), and whatever is in front (reverse proxy, load balancer, firewall) must pass POST /webhooks/zchat/* to ${hostPort}, where this check listens.`,
  ]
  return lines.filter(Boolean).join(' ')
}

const firstStates = new Set(['queued', 'accepted', 'unavailable'])

/** The first state trigger after start: queued, or accepted or unavailable at once. */
export function queuedRow(context: TriggerContext, startedAt: number): Row {
  const ours = context.reads.filter((read) => read.ours)
  const first = ours.filter((read) => read.state !== null && firstStates.has(read.state))
  const broken = first.find((read) => read.problem !== null)
  if (broken)
    return row('trigger-queued', 'mismatch', describeCall(broken, startedAt), broken.problem!)
  if (first[0]) return row('trigger-queued', 'match', describeCall(first[0], startedAt))
  const unattributed = context.reads.filter((read) => read.json === null || read.hash === null)
  if (unattributed[0])
    return row(
      'trigger-queued',
      'mismatch',
      `${unattributed.length} webhook call(s) the proxy would refuse`,
      `${unattributed[0].problem ?? 'no interaction_hash'}.`,
    )
  return row(
    'trigger-queued',
    'not-seen',
    `nothing within ${seconds(context.waitMs)}`,
    webhookHint(context),
  )
}

export function finishedRow(context: TriggerContext, finishedAt: number): Row {
  const finished = context.reads.filter((read) => read.ours && read.state === 'finished')
  const broken = finished.find((read) => read.problem !== null)
  if (broken)
    return row('trigger-finished', 'mismatch', describeCall(broken, finishedAt), broken.problem!)
  if (finished[0])
    return row(
      'trigger-finished',
      'match',
      describeCall(finished[0], finishedAt),
      finished.length > 1 ? `${finished.length} finished triggers: the proxy keeps the first.` : '',
    )
  return row(
    'trigger-finished',
    'match',
    `none within ${seconds(context.waitMs)} of the finish`,
    "fine: the proxy ends the conversation on the finish call's answer; an agent's finish still needs its trigger.",
  )
}

/** Anything else zChat sent for the interaction (an agent at work); null when nothing. */
export function otherTriggersRow(context: TriggerContext, used: ReadCall[]): Row | null {
  const rest = context.reads.filter((read) => read.ours && !used.includes(read))
  if (rest.length === 0) return null
  const names = rest.map((read) => read.state ?? 'message').join(', ')
  const broken = rest.find((read) => read.problem !== null)
  return row(
    'trigger-other',
    broken ? 'mismatch' : 'match',
    shorten(names, 140),
    broken?.problem ?? '',
  )
}

export function historyRow(server: CheckServer, startedAt: number, waitMs: number): Row {
  const fetches = server.fetches.filter((fetch) => fetch.what === 'history')
  const first = fetches[0]
  if (!first)
    return row(
      'history-fetch',
      'not-seen',
      `no GET within ${seconds(waitMs)} of the start`,
      "zChat may fetch it only when an agent opens the interaction: open it in zChat's agent view while the check waits (a longer --wait helps). If it never comes, zChat cannot reach PUBLIC_URL or does not fetch histories, and agents would not see a returning visitor's previous conversation.",
    )
  const agent = first.userAgent ? `, user agent ${shorten(first.userAgent, 40)}` : ''
  return row(
    'history-fetch',
    'match',
    `${first.method} after ${seconds(first.at - startedAt)} (${fetches.length} time(s)${agent})`,
  )
}

/** Whether zChat fetched a sample file itself: worth knowing, not assumed either way. */
export function fetchNote(server: CheckServer, kind: string, sentAt: number): string {
  const fetch = server.fetches.find((f) => f.what === kind)
  return fetch
    ? `zChat fetched the file ${seconds(fetch.at - sentAt)} after sending.`
    : 'zChat did not fetch the file during the check (the agent\u2019s browser may, when shown).'
}
