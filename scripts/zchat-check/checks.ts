/**
 * The check itself: one interaction through every call the proxy makes, in the order a visitor
 * makes them, each answer judged against what the proxy assumes (assumptions.ts). Nothing here
 * throws for zChat's sake: a network error, a timeout or garbage is a row that says so.
 */
import { startResponse } from '../../proxy/zchat/schemas.ts'
import { type RowId, rowIds } from './assumptions.ts'
import {
  type Answered,
  type CallContext,
  errorShapeRow,
  overRow,
  type Row,
  row,
  successRow,
} from './rows.ts'
import {
  afterFinishCalls,
  type Call,
  type Run,
  startCall,
  unknownCall,
  visitorCalls,
} from './run.ts'
import type { CheckServer } from './server.ts'
import { type CheckSettings, maskedWebhookUrl } from './settings.ts'
import {
  fetchNote,
  finishedRow,
  historyRow,
  otherTriggersRow,
  queuedRow,
  type ReadCall,
  readCall,
  type TriggerContext,
} from './triggers.ts'
import { createCaller, readAnswer } from './zchat.ts'

export type Report = {
  ok: boolean
  interactionHash: string | null
  settings: {
    apiUrl: string
    publicUrl: string
    webhookUrl: string
    department: number
    tagIds: string[]
    waitSeconds: number
    listening: string
  }
  rows: Row[]
  notes: string[]
}

const skippedAfter = (id: RowId, why: string) => row(id, 'skipped', 'not called', why)

/** The states a start may be answered with on the webhook. */
const firstStates = ['queued', 'accepted', 'unavailable']
const isUnavailable = (read: ReadCall) => read.ours && read.state === 'unavailable'
const unavailable = (department: number) =>
  `zChat said unavailable (no agent available in department ${department}), and the proxy sends nothing after that: put an agent online there, or pick another department with --department, and run again.`
/** The rows of calls the proxy makes only on a live interaction. */
const afterUnavailable: RowId[] = rowIds.slice(
  rowIds.indexOf('message-text'),
  rowIds.indexOf('update-after-finish') + 1,
)

const isPrivateHost = (url: string) =>
  /^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[::1\]|\[f[cd])/i.test(
    new URL(url).hostname,
  )

export async function runCheck(
  settings: CheckSettings,
  run: Run,
  server: CheckServer,
  progress: (line: string) => void = () => {},
): Promise<Report> {
  const call = createCaller(settings.apiUrl, settings.timeoutMs)
  const context: CallContext = {
    timeoutMs: settings.timeoutMs,
    department: settings.department,
    separateUpdateToken: settings.separateUpdateToken,
  }
  const answered: Answered[] = []
  const rows = new Map<RowId, Row>()
  const add = (r: Row) => rows.set(r.id, r)
  const { waitMs } = settings
  const webhookUrl = maskedWebhookUrl(settings)
  let hash: string | null = null
  const reads = (): ReadCall[] =>
    server.webhookCalls.map((webhookCall) => readCall(webhookCall, hash, run.runId))

  async function send(request: Call) {
    const seen = await call(request.method, request.path, request.body)
    const outcome = readAnswer(seen, request.schema)
    answered.push({ id: request.id, seen, outcome })
    const judge = request.expect === 'ok' ? successRow : overRow
    return { seen, outcome, row: judge(request.id, seen, outcome, context) }
  }

  // ---- start -------------------------------------------------------------------------------
  progress(`Starting an interaction in department ${settings.department}…`)
  const startedAt = performance.now()
  const start = await send(startCall(settings, run))
  if (start.outcome.kind === 'ok') {
    hash = startResponse.parse(start.outcome.data).data.interaction_hash
    start.row.detail = `interaction ${hash}`
  }
  add(start.row)

  const ours = (states: string[]) => () =>
    reads().some((read) => read.ours && read.state !== null && states.includes(read.state))

  let stop: string | null = hash === null ? 'No interaction: the start failed.' : null
  let finishedAt = performance.now()
  if (hash !== null) {
    progress(`Waiting up to ${waitMs / 1000} s for a trigger at ${webhookUrl}…`)
    await server.waitFor(ours(firstStates), startedAt + waitMs)
    if (reads().some(isUnavailable)) stop = unavailable(settings.department)
  }

  // ---- the visitor's calls -------------------------------------------------------------------
  if (stop === null) progress('Sending a message of each type, typing, cleared, an update, finish…')
  for (const request of visitorCalls(settings, run, hash ?? '')) {
    if (stop !== null) {
      add(skippedAfter(request.id, stop))
      continue
    }
    const sentAt = performance.now()
    const sent = await send(request)
    if (request.id === 'finish') finishedAt = performance.now()
    if (request.file) {
      const fetched = fetchNote(server, request.file.kind, sentAt)
      sent.row.detail = [sent.row.detail, fetched].filter(Boolean).join(' ')
    }
    add(sent.row)
  }

  // ---- after finish --------------------------------------------------------------------------
  if (stop === null) {
    // Before the calls after finish, so zChat has surely taken the finish in by then.
    progress(`Waiting up to ${waitMs / 1000} s for the finished trigger…`)
    await server.waitFor(ours(['finished']), finishedAt + waitMs)
  }
  for (const request of afterFinishCalls(settings, hash ?? '')) {
    add(stop === null ? (await send(request)).row : skippedAfter(request.id, stop))
  }

  // ---- an interaction zChat never had ----------------------------------------------------------
  add((await send(unknownCall(settings))).row)

  if (hash !== null && !server.fetches.some((fetch) => fetch.what === 'history')) {
    progress('Waiting for zChat to fetch the external history…')
    await server.waitFor(
      () => server.fetches.some((fetch) => fetch.what === 'history'),
      startedAt + waitMs,
    )
  }

  // ---- what arrived --------------------------------------------------------------------------
  const trigger: TriggerContext = {
    server,
    reads: reads(),
    waitMs,
    webhookUrl,
    hostPort: `${settings.host}:${settings.port}`,
  }
  if (hash === null) {
    add(skippedAfter('history-fetch', stop!))
    add(skippedAfter('trigger-queued', stop!))
  } else {
    add(historyRow(server, startedAt, waitMs))
    add(queuedRow(trigger, startedAt))
  }
  add(stop === null ? finishedRow(trigger, finishedAt) : skippedAfter('trigger-finished', stop))
  add(errorShapeRow(answered))
  const firstState = trigger.reads.find(
    (read) => read.ours && firstStates.includes(read.state ?? ''),
  )
  const used = trigger.reads.filter(
    (read) => read === firstState || (read.ours && read.state === 'finished'),
  )
  const other = otherTriggersRow(trigger, used)
  if (other) add(other)
  // zChat said unavailable while the calls went on (after queued): the proxy would not have made
  // the calls it then refused, so they say nothing of its assumptions.
  if (trigger.reads.some(isUnavailable)) {
    for (const id of afterUnavailable) {
      const refused = rows.get(id)
      if (refused && refused.verdict !== 'match' && refused.verdict !== 'skipped')
        add({ ...refused, verdict: 'skipped', detail: unavailable(settings.department) })
    }
  }
  const all = rowIds.flatMap((id) => rows.get(id) ?? [])

  return {
    ok: all.every((r) => r.verdict === 'match'),
    interactionHash: hash,
    settings: {
      apiUrl: settings.apiUrl,
      publicUrl: settings.publicUrl,
      webhookUrl,
      department: settings.department,
      tagIds: settings.tagIds,
      waitSeconds: waitMs / 1000,
      listening: `${settings.host}:${settings.port}`,
    },
    rows: all,
    notes: notesOf(settings, server, trigger),
  }
}

function notesOf(settings: CheckSettings, server: CheckServer, trigger: TriggerContext): string[] {
  const others = trigger.reads.filter((read) => !read.ours && read.hash !== null).length
  const wrong = server.wrongSecretCalls()
  return [
    isPrivateHost(settings.publicUrl)
      ? `PUBLIC_URL (${settings.publicUrl}) is not an address zChat can reach from the internet.`
      : '',
    others > 0
      ? `${others} trigger(s) for other interactions of the account arrived and were ignored (the Webhook URL serves the whole account).`
      : '',
    wrong > 0 ? `${wrong} webhook call(s) with another secret were answered 404.` : '',
    server.otherRequests.length > 0
      ? `Other requests: ${server.otherRequests.slice(0, 5).join(', ')}.`
      : '',
  ].filter(Boolean)
}
