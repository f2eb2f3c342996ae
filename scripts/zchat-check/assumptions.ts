/**
 * What the proxy assumes of zChat, row by row: the call or trigger, the assumption as the proxy's
 * code holds it (each cites where), and what depends on it. The check's verdicts are judged against
 * these; assumptions.test.ts holds the statuses here to the proxy's own functions.
 */

export const rowIds = [
  'start',
  'history-fetch',
  'trigger-queued',
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
  'cleared-after-finish',
  'update-after-finish',
  'unknown-interaction',
  'error-shape',
  /** Only when zChat sent more for the interaction (an agent accepted, typed, wrote). */
  'trigger-other',
] as const
export type RowId = (typeof rowIds)[number]

/**
 * Statuses the proxy reads as a refusal that does not say whether the call or the interaction was
 * refused (proxy/routes/upstream.ts isRefusal): a refused message is checked with a `cleared` on the
 * same interaction, and the conversation ends only when that is refused too
 * (docs/decisions/017-no-guess-ends-a-chat.md).
 */
export const refusalStatuses: readonly number[] = [400, 404, 422]

export type Assumption = { call: string; assumes: string; dependsOn: string }

const message = (kind: string, article = 'a'): Assumption => ({
  call: `POST /interactions/{hash}/messages type ${kind}, url on PUBLIC_URL`,
  assumes: `2xx: ${article} ${kind} goes as its type with a URL zChat and the agent GET themselves (proxy/zchat/adapter.ts toMessageInput)`,
  dependsOn: `visitors' ${kind} uploads (UPLOAD_TYPES, UPLOAD_MAX_BYTES); PUBLIC_URL/media/… reachable by zChat and agents`,
})

export const assumptions: Record<RowId, Assumption> = {
  start: {
    call: 'POST /interactions',
    assumes:
      'any 2xx with {data: {interaction_hash}} (proxy/zchat/schemas.ts startResponse); no error status in the body',
    dependsOn:
      'every new conversation: ZCHAT_API_URL, ZCHAT_TOKEN, the department (ALLOWED_DEPARTMENTS, data-department)',
  },
  'history-fetch': {
    call: 'GET external_history (PUBLIC_URL/v1/history/…)',
    assumes:
      'zChat GETs it with no credentials, at a time the document does not give; the proxy serves it as long as a visitor credential lives (proxy/routes/history.ts)',
    dependsOn:
      "a returning visitor's previous conversation shown to the agent; SESSION_TTL_HOURS, HISTORY_TIME_ZONE",
  },
  'trigger-queued': {
    call: 'webhook trigger after start',
    assumes:
      'a POST with Content-Type application/json to PUBLIC_URL/webhooks/zchat/{secret}, read by the proxy (queued with position, accepted or unavailable), for the hash the start answered (proxy/routes/webhook.ts)',
    dependsOn:
      "the Webhook URL in zChat's admin; the visitor's queue position, agent joined, no agent available",
  },
  'message-text': {
    call: 'POST /interactions/{hash}/messages type text',
    assumes: '2xx (proxy/zchat/schemas.ts sendMessageResponse); no error status in the body',
    dependsOn: 'every visitor message',
  },
  'message-image': message('image', 'an'),
  'message-video': message('video'),
  'message-audio': message('audio', 'an'),
  'message-file': message('file'),
  typing: {
    call: 'PUT /interactions/{hash}/typing',
    assumes: '2xx, with an empty body or {message, status} (proxy/zchat/schemas.ts statusResponse)',
    dependsOn: "the agent's 'visitor is typing' (TYPING_PER_MINUTE)",
  },
  cleared: {
    call: 'PUT /interactions/{hash}/cleared',
    assumes: '2xx, with an empty body or {message, status}',
    dependsOn: "the agent's 'visitor is typing' ending",
  },
  update: {
    call: 'PUT /interactions/{hash} mood, note, tag_ids',
    assumes:
      '2xx {message, status} with ZCHAT_UPDATE_TOKEN, else the API token (proxy/zchat/client.ts update)',
    dependsOn:
      'tag ids and customer key set after start (DEPARTMENT_TAGS, signed identities); ZCHAT_UPDATE_TOKEN',
  },
  finish: {
    call: 'PUT /interactions/{hash}/finish',
    assumes: '2xx, with an empty body or {message, status}',
    dependsOn: "the visitor's End chat",
  },
  'trigger-finished': {
    call: 'webhook trigger after finish',
    assumes:
      "a finished trigger arrives after the API's finish (or not: the proxy ends the conversation on the API's answer); if it comes, the proxy reads it",
    dependsOn: "an agent's finish reaching the visitor (the same trigger, sent by the agent)",
  },
  'message-after-finish': {
    call: 'POST /interactions/{hash}/messages after finish',
    assumes: `refused with ${refusalStatuses.join(', ')}: the proxy reads it as a refusal and checks the interaction with a cleared (proxy/routes/upstream.ts isRefusal)`,
    dependsOn:
      "a conversation an agent ended while its finished trigger was lost: the visitor's next message ends it instead of failing for ever",
  },
  'cleared-after-finish': {
    call: 'PUT /interactions/{hash}/cleared after finish (the check after a refused message)',
    assumes: `refused with ${refusalStatuses.join(', ')} too: a second refusal, on which the proxy ends the conversation for the visitor (proxy/routes/interactions.ts stillTakesCalls)`,
    dependsOn:
      'telling a refused message from a finished interaction: were cleared accepted after finish, a visitor whose finished trigger was lost would see every message refused while the chat looks open',
  },
  'update-after-finish': {
    call: 'PUT /interactions/{hash} mood, note after finish',
    assumes:
      'accepted (2xx): the rating is sent after finish (proxy/routes/interactions.ts rating route)',
    dependsOn: "the visitor's rating; ZCHAT_UPDATE_TOKEN",
  },
  'unknown-interaction': {
    call: 'POST /interactions/{unknown hash}/messages',
    assumes: `${refusalStatuses.join(', ')} (proxy/routes/upstream.ts isRefusal)`,
    dependsOn:
      'a conversation zChat no longer knows ends for the visitor instead of failing on every retry',
  },
  'error-shape': {
    call: 'every error answer above',
    assumes:
      'a JSON body {message, status} with message a string (proxy/zchat/schemas.ts errorResponse); an HTTP 200 carrying an error status in its body is a refusal',
    dependsOn: "zChat's error text in the proxy's logs; the status the visitor's widget gets",
  },
  'trigger-other': {
    call: 'other webhook triggers for the interaction',
    assumes:
      'every trigger for the interaction is a POST of JSON the proxy reads (proxy/zchat/schemas.ts trigger)',
    dependsOn: 'agent joined, typing, messages reaching the visitor',
  },
}
