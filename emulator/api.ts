/**
 * ClientApi V1 under `/core/api/v1` (docs/zchat/seed/clientapi-v1.md#clientapi-v1: base URL
 * `https://zchat.zenvia.io/core/api/v1`), answering as the seed shows where it shows an answer.
 *
 * Seed silent, and the emulator's choices (emulator/README.md "Where the seed is silent"): the
 * seed's one error is `{"message", "status": 422}`, so every status but 422 is ours. Checks run in
 * the order a caller would meet them: unreadable body 400, token 401 (`tokenStatus`), unknown hash
 * 404 (`unknownAs422`), invalid body or a write the interaction's state forbids 422 (`endedStatus`).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { z } from 'zod'
import { EmulatorError } from './errors.ts'
import type { FaultInjector } from './faults.ts'
import { fetchExternalHistory } from './history.ts'
import type { Interaction, Interactions } from './interactions.ts'
import { messageBody, startBody, updateBody } from './schemas.ts'
import type { Webhooks } from './webhooks.ts'

export type ApiDeps = {
  token: string
  departments: ReadonlySet<number>
  interactions: Interactions
  faults: FaultInjector
  webhooks: Pick<Webhooks, 'idle'>
  historyTimeoutMs: number
}

type HashRoute = { Params: { hash: string } }

function isWebUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

/** Seed silent: the status of an invalid body. 422, the seed's one error status. */
function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  throw new EmulatorError(422, `${field}${issue?.message ?? 'invalid body'}`)
}

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  const { token, departments, interactions, faults, webhooks, historyTimeoutMs } = deps

  /**
   * `token` is required in every body (each section's table: "token | string | true"), never a
   * header. Seed silent: the status of a missing or wrong one (`tokenStatus`, 401 by default), and
   * whether update's "your clientSdk token" is another token (`clientSdkToken`).
   */
  function authenticate(body: unknown, expected = token): void {
    const given = typeof body === 'object' && body !== null ? Reflect.get(body, 'token') : undefined
    const status = faults.get().tokenStatus
    if (typeof given !== 'string' || given === '')
      throw new EmulatorError(status, 'The API token is missing')
    if (given !== expected) throw new EmulatorError(status, 'The API token is invalid')
  }

  /** Seed silent: an unknown hash. 404 by default, 422 with `unknownAs422`. */
  function find(hash: string): Interaction {
    const interaction = interactions.get(hash)
    if (!interaction)
      throw new EmulatorError(
        faults.get().unknownAs422 ? 422 : 404,
        `Interaction ${hash} not found`,
      )
    return interaction
  }

  /** Token, then hash: the common prefix of every call on an existing interaction. */
  function authorize(body: unknown, hash: string, expected = token): Interaction {
    authenticate(body, expected)
    return find(hash)
  }

  /**
   * Seed silent: calls on a finished or unavailable interaction. They answer `endedStatus` (422 by
   * default); with 200 the call is taken and this returns true: the caller does what it would have
   * done to an open interaction, short of changing its state.
   */
  function isEnded(interaction: Interaction, action: string): boolean {
    if (interaction.state !== 'finished' && interaction.state !== 'unavailable') return false
    const status = faults.get().endedStatus
    if (status === 200) return true
    throw new EmulatorError(status, `Cannot ${action}: the interaction is ${interaction.state}`)
  }

  /**
   * Seed silent: the success bodies of typing, cleared and finish (their sections show none).
   * `{message, status: 200}` like update's, or 204 with no body under `emptyAnswers`.
   */
  function answerStatus(reply: FastifyReply, message: string) {
    if (faults.get().emptyAnswers) return reply.code(204).send()
    return reply.send({ message, status: 200 })
  }

  app.register(
    async (api) => {
      api.addHook('onRequest', faults.onApiRequest)

      // docs/zchat/seed/clientapi-v1.md#start-interaction
      api.post('/interactions', async (request, reply) => {
        authenticate(request.body, token)
        const body = validate(startBody, request.body)
        // "Id of an active department from your account". Seed silent: the status when it is not.
        if (!departments.has(body.department_id)) {
          throw new EmulatorError(
            422,
            `Department ${body.department_id} does not exist or is not active`,
          )
        }
        // "URL that can GET a JSON". Seed silent: what a value that is no URL gets (422 here).
        const url = body.external_history || null
        if (url !== null && !isWebUrl(url)) {
          throw new EmulatorError(422, 'external_history: must be a URL zChat can GET')
        }
        const interaction = interactions.create({
          departmentId: body.department_id,
          // "null will be saved as TEXT"
          mediaType: body.media_type ?? 'TEXT',
          customer: body.customer ?? {},
          extra: body.extra ?? {},
          externalHistoryUrl: url,
        })
        if (url !== null) {
          // Seed silent: when and how often zChat fetches it. At once, once, by default; the
          // faults make it late and repeated.
          const { historyDelayMs, historyFetches } = faults.get()
          void (async () => {
            for (let fetchNo = 0; fetchNo < historyFetches; fetchNo++) {
              await sleep(historyDelayMs)
              interactions.setHistory(
                interaction.hash,
                await fetchExternalHistory(url, historyTimeoutMs, faults.get().historyTimeZone),
              )
            }
          })()
        }
        if (faults.get().queuedBeforeAnswer) await webhooks.idle(interaction.hash)
        // The seed's success body; seed silent on the HTTP status (`startStatus`).
        return reply.code(faults.get().startStatus).send({
          message: 'Interaction created successfully',
          data: { interaction_hash: interaction.hash },
        })
      })

      // docs/zchat/seed/clientapi-v1.md#update-interaction. Seed silent: whether it is taken after
      // finish (yes by default, so the visitor can rate; `updatesAfterFinish`) and after
      // unavailable (no: 422).
      api.put<HashRoute>('/interactions/:hash', async (request) => {
        const interaction = authorize(
          request.body,
          request.params.hash,
          faults.get().clientSdkToken ?? token,
        )
        const body = validate(updateBody, request.body)
        if (interaction.state === 'unavailable') {
          throw new EmulatorError(422, 'Cannot update: the interaction is unavailable')
        }
        if (interaction.state === 'finished' && faults.get().updatesAfterFinish === 'refuse') {
          throw new EmulatorError(422, 'Cannot update: the interaction is finished')
        }
        interactions.rate(interaction, {
          ...(body.mood !== undefined && { mood: body.mood }),
          ...(body.note !== undefined && { note: body.note }),
          ...(body.tag_ids !== undefined && { tagIds: body.tag_ids }),
          ...(body.customer_key !== undefined && { customerKey: body.customer_key }),
        })
        return { message: 'Interaction updated successfully', status: 200 }
      })

      // docs/zchat/seed/clientapi-v1.md#send-message
      api.post<HashRoute>('/interactions/:hash/messages', async (request) => {
        const interaction = authorize(request.body, request.params.hash)
        const body = validate(messageBody, request.body)
        // "null will be saved as text"
        const type = body.type ?? 'text'
        // `content` is required. Seed silent on blank: required means present and not blank, as
        // API validators usually read it.
        if (body.content.trim() === '') throw new EmulatorError(422, 'content: must not be blank')
        // The seed marks `url` optional for every type ("File URL (except for "text" type)"): a
        // file without one is stored as sent (the console shows that the agent cannot open it).
        const url = body.url?.trim() || null
        isEnded(interaction, 'send a message')
        // Seed silent: what a 422 on a valid message means. `refuseMessageTypes` gives one while
        // the interaction goes on.
        if (faults.get().refuseMessageTypes.includes(type)) {
          throw new EmulatorError(422, `Cannot send a message of type ${type}`)
        }
        interactions.addMessage(interaction, 'CLIENT', { content: body.content, type, url })
        return {
          data: { interaction_hash: interaction.hash },
          message: 'Message created successfully',
          status: 200,
        }
      })

      // docs/zchat/seed/clientapi-v1.md#notify-when-client-typing. Seed silent: no trigger is
      // sent back (the seed's typing triggers are the agent's).
      api.put<HashRoute>('/interactions/:hash/typing', async (request, reply) => {
        const interaction = authorize(request.body, request.params.hash)
        if (!isEnded(interaction, 'notify typing')) interactions.setVisitorTyping(interaction, true)
        return answerStatus(reply, 'Typing notified successfully')
      })

      // docs/zchat/seed/clientapi-v1.md#notify-when-client-stop-typing
      api.put<HashRoute>('/interactions/:hash/cleared', async (request, reply) => {
        const interaction = authorize(request.body, request.params.hash)
        if (!isEnded(interaction, 'notify cleared'))
          interactions.setVisitorTyping(interaction, false)
        return answerStatus(reply, 'Cleared notified successfully')
      })

      // docs/zchat/seed/clientapi-v1.md#finish-interaction. Seed silent: whether the client's
      // finish sends the `finished` trigger, which the seed calls "Agent finish interaction"
      // (sent by default; `finishTrigger: 'omit'`).
      api.put<HashRoute>('/interactions/:hash/finish', async (request, reply) => {
        const interaction = authorize(request.body, request.params.hash)
        if (!isEnded(interaction, 'finish')) {
          interactions.end(interaction, 'finished', {
            trigger: faults.get().finishTrigger === 'send',
          })
        }
        return answerStatus(reply, 'Interaction finished successfully')
      })
    },
    { prefix: '/core/api/v1' },
  )
}
