/**
 * The check itself: one interaction through every call the proxy makes, in the order a visitor
 * makes them, each answer judged against what the proxy assumes (assumptions.ts). Nothing here
 * throws for zChat's sake: a network error, a timeout or garbage is a row that says so.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { formatHistoryTime } from '../../proxy/zchat/adapter.ts'
import {
  errorResponse,
  sendMessageResponse,
  startResponse,
  statusResponse,
} from '../../proxy/zchat/schemas.ts'
import { type RowId, rowIds } from './assumptions.ts'
import { type SampleFile, sampleFiles } from './media.ts'
import { type CallContext, overRow, type Row, row, shorten, successRow } from './rows.ts'
import type { CheckServer, Served } from './server.ts'
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
import { createCaller, type Outcome, parseJson, readAnswer, type Seen } from './zchat.ts'

/** What one run serves, made before the server starts. */
export type Run = { runId: string; served: Served }

export function prepareRun(settings: Pick<CheckSettings, 'historyTimeZone'>): Run {
  const runId = randomBytes(6).toString('hex')
  const now = () => new Date().toISOString()
  return {
    runId,
    served: {
      // As unguessable as the proxy's tickets and media ids: the URLs are public.
      historyTicket: `zchat-check-${randomBytes(16).toString('base64url')}`,
      mediaId: `zchat-check-${randomBytes(16).toString('base64url')}`,
      files: sampleFiles(),
      history: () => ({
        messages: [
          {
            time: formatHistoryTime(now(), settings.historyTimeZone),
            direction: 'CLIENT',
            content: 'zchat:check: a message of an earlier conversation',
          },
          {
            time: formatHistoryTime(now(), settings.historyTimeZone),
            direction: 'AGENT',
            content: 'zchat:check: its answer',
          },
        ],
      }),
    },
  }
}

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

type Answered = { id: RowId; seen: Seen; outcome: Outcome }

const skippedAfter = (id: RowId, why: string) => row(id, 'skipped', 'not called', why)

const isUnavailable = (read: ReadCall) => read.ours && read.state === 'unavailable'
const unavailable = (department: number) =>
  `zChat said unavailable (no agent available in department ${department}), and the proxy sends nothing after that: put an agent online there, or pick another department with --department, and run again.`
/** The rows of calls the proxy makes only on a live interaction. */
const afterUnavailable: RowId[] = [
  'message-text',
  'message-image',
  'message-video',
  'message-audio',
  'message-file',
  'typing',
  'cleared',
  'update',
  'finish',
  'trigger-finished',
  'message-after-finish',
  'update-after-finish',
]

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
  const { token, waitMs } = settings
  const webhookUrl = maskedWebhookUrl(settings)
  let hash: string | null = null
  const reads = (): ReadCall[] =>
    server.webhookCalls.map((webhookCall) => readCall(webhookCall, hash, run.runId))

  async function send(
    id: RowId,
    method: string,
    path: string,
    body: object,
    schema: Parameters<typeof readAnswer>[1],
  ) {
    const seen = await call(method, path, body)
    const outcome = readAnswer(seen, schema)
    answered.push({ id, seen, outcome })
    return { seen, outcome }
  }
  const at = (suffix = '') => `/interactions/${encodeURIComponent(hash ?? '')}${suffix}`

  // ---- start -------------------------------------------------------------------------------
  progress(`Starting an interaction in department ${settings.department}…`)
  const startedAt = performance.now()
  const start = await send(
    'start',
    'POST',
    '/interactions',
    {
      token,
      media_type: 'TEXT',
      department_id: settings.department,
      customer: { name: 'zchat:check' },
      extra: { zchat_check: true, zchat_check_run: run.runId },
      external_history: `${settings.publicUrl}/v1/history/${run.served.historyTicket}`,
    },
    startResponse,
  )
  const started = successRow('start', start.seen, start.outcome, context)
  if (start.outcome.kind === 'ok') {
    hash = startResponse.parse(start.outcome.data).data.interaction_hash
    started.detail = `interaction ${hash}`
  }
  add(started)

  const triggerContext = (): TriggerContext => ({
    server,
    reads: reads(),
    waitMs,
    webhookUrl,
    hostPort: `${settings.host}:${settings.port}`,
  })
  const ours = (state: string) => () =>
    reads().some((read) => read.ours && read.state !== null && state.includes(read.state))

  let stop: string | null = hash === null ? 'No interaction: the start failed.' : null
  let finishedAt = performance.now()
  if (hash !== null) {
    progress(`Waiting up to ${waitMs / 1000} s for a trigger at ${webhookUrl}…`)
    await server.waitFor(ours('queued accepted unavailable'), startedAt + waitMs)
    if (reads().some(isUnavailable)) stop = unavailable(settings.department)
  }

  // ---- the visitor's calls -------------------------------------------------------------------
  const files = new Map(run.served.files.map((file) => [file.kind, file] as const))
  const mediaUrl = (file: SampleFile) =>
    `${settings.publicUrl}/media/${run.served.mediaId}/${file.name}`
  const visitorCalls: [RowId, () => Promise<Row>][] = [
    [
      'message-text',
      async () => {
        const { seen, outcome } = await send(
          'message-text',
          'POST',
          at('/messages'),
          { token, content: 'zchat:check: a text message (a pre-launch check)', type: 'text' },
          sendMessageResponse,
        )
        return successRow('message-text', seen, outcome, context)
      },
    ],
    ...(['image', 'video', 'audio', 'file'] as const).map((kind): [RowId, () => Promise<Row>] => {
      const id = `message-${kind}` as const
      return [
        id,
        async () => {
          const file = files.get(kind)!
          const sentAt = performance.now()
          // As the proxy sends a file without a caption: its name as the content.
          const { seen, outcome } = await send(
            id,
            'POST',
            at('/messages'),
            { token, content: file.name, type: kind, url: mediaUrl(file) },
            sendMessageResponse,
          )
          const result = successRow(id, seen, outcome, context)
          const fetched = fetchNote(server, kind, sentAt)
          return { ...result, detail: [result.detail, fetched].filter(Boolean).join(' ') }
        },
      ]
    }),
    ...(['typing', 'cleared'] as const).map((id): [RowId, () => Promise<Row>] => [
      id,
      async () => {
        const { seen, outcome } = await send(id, 'PUT', at(`/${id}`), { token }, statusResponse)
        return successRow(id, seen, outcome, context)
      },
    ]),
    [
      'update',
      async () => {
        const { seen, outcome } = await send(
          'update',
          'PUT',
          at(),
          {
            token: settings.updateToken,
            mood: 'POSITIVE',
            note: 'zchat:check: an update before finish',
            ...(settings.tagIds.length > 0 && { tag_ids: settings.tagIds }),
          },
          statusResponse,
        )
        return successRow('update', seen, outcome, context)
      },
    ],
    [
      'finish',
      async () => {
        const { seen, outcome } = await send(
          'finish',
          'PUT',
          at('/finish'),
          { token },
          statusResponse,
        )
        finishedAt = performance.now()
        return successRow('finish', seen, outcome, context)
      },
    ],
  ]
  if (stop === null) progress('Sending a message of each type, typing, cleared, an update, finish…')
  for (const [id, make] of visitorCalls) add(stop === null ? await make() : skippedAfter(id, stop))

  // ---- after finish --------------------------------------------------------------------------
  if (stop === null) {
    // Before the calls after finish, so zChat has surely taken the finish in by then.
    progress(`Waiting up to ${waitMs / 1000} s for the finished trigger…`)
    await server.waitFor(ours('finished'), finishedAt + waitMs)
    const late = await send(
      'message-after-finish',
      'POST',
      at('/messages'),
      { token, content: 'zchat:check: a message after finish', type: 'text' },
      sendMessageResponse,
    )
    add(overRow('message-after-finish', late.seen, late.outcome, context))
    const rating = await send(
      'update-after-finish',
      'PUT',
      at(),
      { token: settings.updateToken, mood: 'POSITIVE', note: 'zchat:check: the rating' },
      statusResponse,
    )
    add(successRow('update-after-finish', rating.seen, rating.outcome, context))
  } else {
    add(skippedAfter('message-after-finish', stop))
    add(skippedAfter('update-after-finish', stop))
  }

  // ---- an interaction zChat never had ----------------------------------------------------------
  const unknown = await send(
    'unknown-interaction',
    'POST',
    `/interactions/${randomUUID()}/messages`,
    { token, content: 'zchat:check: a message to nobody', type: 'text' },
    sendMessageResponse,
  )
  add(overRow('unknown-interaction', unknown.seen, unknown.outcome, context))

  if (hash !== null && !server.fetches.some((fetch) => fetch.what === 'history')) {
    progress('Waiting for zChat to fetch the external history…')
    await server.waitFor(
      () => server.fetches.some((fetch) => fetch.what === 'history'),
      startedAt + waitMs,
    )
  }

  // ---- what arrived --------------------------------------------------------------------------
  const trigger = triggerContext()
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
    (read) => read.ours && ['queued', 'accepted', 'unavailable'].includes(read.state ?? ''),
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

/** Every error answer seen, against the shape the proxy reads. */
function errorShapeRow(answered: Answered[]): Row {
  const errors = answered.filter(
    (a): a is Answered & { seen: Extract<Seen, { kind: 'answer' }> } =>
      a.outcome.kind === 'refused' && a.seen.kind === 'answer',
  )
  if (errors.length === 0)
    return row('error-shape', 'not-seen', 'no error answer to judge', 'zChat refused nothing.')
  const judged = errors.map(({ id, seen }) => {
    const parsed = parseJson(seen.text)
    const ok = parsed !== null && errorResponse.safeParse(parsed.json).success
    return { id, status: seen.status, ok, text: seen.text }
  })
  const bad = judged.filter((j) => !j.ok)
  const seen = judged.map((j) => `${j.id} ${j.status}${j.ok ? '' : ' (not {message})'}`).join(', ')
  return row(
    'error-shape',
    bad.length === 0 ? 'match' : 'mismatch',
    shorten(seen, 160),
    bad[0]
      ? `${bad[0].id} answered ${shorten(bad[0].text || '(empty body)', 100)}: with no {message} the proxy logs "unreadable error body" and loses zChat's reason.`
      : '',
  )
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
