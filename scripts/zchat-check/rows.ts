/** A row of the report, and how a zChat answer becomes one. */

import { errorResponse } from '../../proxy/zchat/schemas.ts'
import { type Assumption, assumptions, type RowId, refusalStatuses } from './assumptions.ts'
import { type Outcome, parseJson, type Seen } from './zchat.ts'

/**
 * match: zChat did what the proxy assumes. mismatch: it did not. not-seen: nothing arrived in the
 * time given. skipped: the call could not be made (the start failed, or no agent was available).
 * Only match counts as passing.
 */
export type Verdict = 'match' | 'mismatch' | 'not-seen' | 'skipped'

export type Row = Assumption & {
  id: RowId
  verdict: Verdict
  /** What was seen, short: a status and the start of the body, or what arrived and when. */
  seen: string
  /** The HTTP status of a call, when one came back. */
  status: number | null
  /** The body as received (a longer cut), for the JSON report. */
  body: string | null
  /** Why it does not match and what to look at, or a detail worth knowing when it does. */
  detail: string
}

export function row(
  id: RowId,
  verdict: Verdict,
  seen: string,
  detail = '',
  answer: { status: number | null; body: string | null } = { status: null, body: null },
): Row {
  return { id, ...assumptions[id], verdict, seen, detail, ...answer }
}

export const shorten = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

export function describeSeen(seen: Seen, timeoutMs: number): string {
  switch (seen.kind) {
    case 'answer':
      return `HTTP ${seen.status} ${seen.text.trim() === '' ? '(empty body)' : shorten(seen.text, 90)}`
    case 'timeout':
      return `no answer within ${timeoutMs} ms`
    case 'network':
      return `not reached: ${shorten(seen.reason, 120)}`
  }
}

/** What the call's status means for the operator: the setting or the account to look at. */
function refusalHint(id: RowId, status: number, department: number, separateUpdateToken: boolean) {
  if (status === 401 || status === 403) {
    if (id === 'update' || id === 'update-after-finish')
      return separateUpdateToken
        ? 'ZCHAT_UPDATE_TOKEN was refused: check it, or unset it to use ZCHAT_TOKEN.'
        : "the token was refused for the update only? The document calls the update's token 'your clientSdk token': if zChat gave you one apart, set ZCHAT_UPDATE_TOKEN."
    return 'the token was refused: check ZCHAT_TOKEN (zChat > Settings > Integrations > API).'
  }
  if (status === 429) return 'zChat limits the rate of calls: visitors would get 429 RATE_LIMITED.'
  if (status >= 500) return 'zChat failed: visitors would get 502 UPSTREAM_ERROR; try again later.'
  if (id === 'update-after-finish')
    return "the visitor's rating goes after finish: every rating would fail (the widget says it could not be sent)."
  if (id === 'start' && status === 404)
    return 'check ZCHAT_API_URL (the documented one is https://zchat.zenvia.io/core/api/v1).'
  if (id === 'start')
    return `is department ${department} an active department of this account? (--department)`
  if (id.startsWith('message-') && id !== 'message-text' && id !== 'message-after-finish')
    return "zChat may not GET the file's URL (is PUBLIC_URL reachable from the internet?) or the account refuses this type: visitors' uploads of this kind would fail; until solved, leave its types out of UPLOAD_TYPES."
  return 'visitors would get 422 "zChat refused the request".'
}

export type CallContext = {
  timeoutMs: number
  department: number
  separateUpdateToken: boolean
}

/** Why an outcome is not the success the proxy expects, in the operator's words. */
function failure(id: RowId, outcome: Outcome, context: CallContext): string {
  switch (outcome.kind) {
    case 'timeout':
      return `no answer within ZCHAT_TIMEOUT_MS (${context.timeoutMs} ms): visitors would get 504 UPSTREAM_TIMEOUT.`
    case 'network':
      return `zChat could not be reached (${outcome.reason}): check ZCHAT_API_URL, DNS and outbound HTTPS from this host.`
    case 'unreadable':
      return `${outcome.reason}: visitors would get 502 UPSTREAM_ERROR.`
    case 'refused': {
      const where = outcome.inBody ? ` (in the body of an HTTP 2xx)` : ''
      const said = outcome.message ? `: "${shorten(outcome.message, 120)}"` : ''
      return `refused with ${outcome.status}${where}${said}; ${refusalHint(id, outcome.status, context.department, context.separateUpdateToken)}`
    }
    case 'ok':
      return ''
  }
}

const answerOf = (seen: Seen) =>
  seen.kind === 'answer'
    ? { status: seen.status, body: seen.text.slice(0, 2000) }
    : { status: null, body: null }

/** A call the proxy expects to succeed. */
export function successRow(id: RowId, seen: Seen, outcome: Outcome, context: CallContext): Row {
  const verdict = outcome.kind === 'ok' ? 'match' : 'mismatch'
  return row(
    id,
    verdict,
    describeSeen(seen, context.timeoutMs),
    failure(id, outcome, context),
    answerOf(seen),
  )
}

/** A call the proxy expects zChat to refuse once the interaction is over: 400, 404 or 422. */
export function overRow(id: RowId, seen: Seen, outcome: Outcome, context: CallContext): Row {
  const over = outcome.kind === 'refused' && refusalStatuses.includes(outcome.status)
  let detail = ''
  if (outcome.kind === 'ok') {
    detail =
      id === 'message-after-finish'
        ? 'accepted after finish: a message cannot tell the proxy that an agent ended the conversation, so it relies on the finished trigger alone.'
        : id === 'cleared-after-finish'
          ? 'accepted after finish: the proxy cannot confirm that a conversation is over after a refused message, so it relies on the finished trigger alone and the visitor sees messages refused while the chat looks open.'
          : 'accepted on an interaction that does not exist: the proxy cannot tell a conversation zChat forgot.'
  } else if (outcome.kind === 'refused' && !over) {
    detail = `refused with ${outcome.status}, not ${refusalStatuses.join(', ')}: the proxy does not read it as a refusal, and the visitor gets an error on every try.`
  } else if (!over) {
    detail = failure(id, outcome, context)
  }
  return row(id, over ? 'match' : 'mismatch', describeSeen(seen, context.timeoutMs), detail, {
    ...answerOf(seen),
  })
}

/** A call made, for the error-shape row. */
export type Answered = { id: RowId; seen: Seen; outcome: Outcome }

/** Every error answer seen, against the shape the proxy reads. */
export function errorShapeRow(answered: Answered[]): Row {
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
