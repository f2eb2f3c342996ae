/**
 * What one run serves and sends: the history document and the sample files at PUBLIC_URL, and
 * the zChat calls, with the bodies the proxy's client would send (proxy/zchat/client.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { formatHistoryTime } from '../../proxy/zchat/adapter.ts'
import { sendMessageResponse, startResponse, statusResponse } from '../../proxy/zchat/schemas.ts'
import type { RowId } from './assumptions.ts'
import { type SampleFile, sampleFiles } from './media.ts'
import type { Served } from './server.ts'
import type { CheckSettings } from './settings.ts'

export type Run = { runId: string; served: Served }

export function prepareRun(settings: Pick<CheckSettings, 'historyTimeZone'>): Run {
  const line = (direction: 'CLIENT' | 'AGENT', content: string) => ({
    time: formatHistoryTime(new Date().toISOString(), settings.historyTimeZone),
    direction,
    content,
  })
  return {
    runId: randomBytes(6).toString('hex'),
    served: {
      // As unguessable as the proxy's tickets and media ids: the URLs are public.
      historyTicket: `zchat-check-${randomBytes(16).toString('base64url')}`,
      mediaId: `zchat-check-${randomBytes(16).toString('base64url')}`,
      files: sampleFiles(),
      history: () => ({
        messages: [
          line('CLIENT', 'zchat:check: a message of an earlier conversation'),
          line('AGENT', 'zchat:check: its answer'),
        ],
      }),
    },
  }
}

/** One zChat call: its row, and whether the proxy expects a success or an "it is over". */
export type Call = {
  id: RowId
  method: 'POST' | 'PUT'
  path: string
  body: object
  schema: z.ZodType
  expect: 'ok' | 'over'
  /** The sample file a media message carries. */
  file?: SampleFile
}

type Settings = Pick<CheckSettings, 'token' | 'updateToken' | 'department' | 'publicUrl' | 'tagIds'>

export function startCall(settings: Settings, run: Run): Call {
  return {
    id: 'start',
    method: 'POST',
    path: '/interactions',
    body: {
      token: settings.token,
      media_type: 'TEXT',
      department_id: settings.department,
      customer: { name: 'zchat:check' },
      extra: { zchat_check: true, zchat_check_run: run.runId },
      external_history: `${settings.publicUrl}/v1/history/${run.served.historyTicket}`,
    },
    schema: startResponse,
    expect: 'ok',
  }
}

const at = (hash: string, suffix = '') => `/interactions/${encodeURIComponent(hash)}${suffix}`

/** A visitor's conversation, in order: messages of each type, typing, cleared, an update, finish. */
export function visitorCalls(settings: Settings, run: Run, hash: string): Call[] {
  const { token } = settings
  const message = (id: RowId, body: object, file?: SampleFile): Call => ({
    id,
    method: 'POST',
    path: at(hash, '/messages'),
    body: { token, ...body },
    schema: sendMessageResponse,
    expect: 'ok',
    ...(file && { file }),
  })
  const put = (id: RowId, suffix: string, body: object = { token }): Call => ({
    id,
    method: 'PUT',
    path: at(hash, suffix),
    body,
    schema: statusResponse,
    expect: 'ok',
  })
  return [
    message('message-text', { content: 'zchat:check: a text message', type: 'text' }),
    ...run.served.files.map((file) =>
      // As the proxy sends a file without a caption: its name as the content.
      message(
        `message-${file.kind}`,
        {
          content: file.name,
          type: file.kind,
          url: `${settings.publicUrl}/media/${run.served.mediaId}/${file.name}`,
        },
        file,
      ),
    ),
    put('typing', '/typing'),
    put('cleared', '/cleared'),
    put('update', '', {
      token: settings.updateToken,
      mood: 'POSITIVE',
      note: 'zchat:check: an update before finish',
      ...(settings.tagIds.length > 0 && { tag_ids: settings.tagIds }),
    }),
    put('finish', '/finish'),
  ]
}

/** What the proxy may still send once the interaction is over: a late message, the rating. */
export function afterFinishCalls(settings: Settings, hash: string): Call[] {
  return [
    {
      id: 'message-after-finish',
      method: 'POST',
      path: at(hash, '/messages'),
      body: { token: settings.token, content: 'zchat:check: a message after finish', type: 'text' },
      schema: sendMessageResponse,
      expect: 'over',
    },
    {
      // The proxy's check after a refused message (docs/decisions/017-no-guess-ends-a-chat.md).
      id: 'cleared-after-finish',
      method: 'PUT',
      path: at(hash, '/cleared'),
      body: { token: settings.token },
      schema: statusResponse,
      expect: 'over',
    },
    {
      id: 'update-after-finish',
      method: 'PUT',
      path: at(hash),
      body: { token: settings.updateToken, mood: 'POSITIVE', note: 'zchat:check: the rating' },
      schema: statusResponse,
      expect: 'ok',
    },
  ]
}

/** A call on an interaction zChat never had. */
export function unknownCall(settings: Settings): Call {
  return {
    id: 'unknown-interaction',
    method: 'POST',
    path: at(randomUUID(), '/messages'),
    body: { token: settings.token, content: 'zchat:check: a message to nobody', type: 'text' },
    schema: sendMessageResponse,
    expect: 'over',
  }
}
