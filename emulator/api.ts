/**
 * ClientApi V1 under `/core/api/v1`, answering as zChat does. Checks run in the order a caller
 * would meet them: unreadable body 400, token 401, unknown hash 404, invalid body or a write the
 * interaction's state forbids 422.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import { EmulatorError } from './errors.ts'
import type { FaultInjector } from './faults.ts'
import { fetchExternalHistory } from './history.ts'
import type { Interaction, Interactions } from './interactions.ts'
import { messageBody, startBody, updateBody } from './schemas.ts'

export type ApiDeps = {
  token: string
  departments: ReadonlySet<number>
  interactions: Interactions
  faults: FaultInjector
  historyTimeoutMs: number
}

type HashRoute = { Params: { hash: string } }

function authenticate(body: unknown, token: string): void {
  const given = typeof body === 'object' && body !== null ? Reflect.get(body, 'token') : undefined
  if (typeof given !== 'string' || given === '')
    throw new EmulatorError(401, 'The API token is missing')
  if (given !== token) throw new EmulatorError(401, 'The API token is invalid')
}

function isWebUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  throw new EmulatorError(422, `${field}${issue?.message ?? 'invalid body'}`)
}

/** Messages, typing, cleared and finish are refused once the conversation is over. */
function ensureOpen(interaction: Interaction, action: string): void {
  if (interaction.state === 'finished' || interaction.state === 'unavailable') {
    throw new EmulatorError(422, `Cannot ${action}: the interaction is ${interaction.state}`)
  }
}

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  const { token, departments, interactions, faults, historyTimeoutMs } = deps

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
  function authorize(body: unknown, hash: string): Interaction {
    authenticate(body, token)
    return find(hash)
  }

  app.register(
    async (api) => {
      api.addHook('onRequest', faults.onApiRequest)

      api.post('/interactions', async (request) => {
        authenticate(request.body, token)
        const body = validate(startBody, request.body)
        if (!departments.has(body.department_id)) {
          throw new EmulatorError(
            422,
            `Department ${body.department_id} does not exist or is not active`,
          )
        }
        const url = body.external_history || null
        if (url !== null && !isWebUrl(url)) {
          throw new EmulatorError(422, 'external_history: must be a URL zChat can GET')
        }
        const interaction = interactions.create({
          departmentId: body.department_id,
          mediaType: body.media_type ?? 'TEXT',
          customer: body.customer ?? {},
          extra: body.extra ?? {},
          externalHistoryUrl: url,
        })
        if (url !== null) {
          // The document does not say when or how often zChat fetches it: faults make it late and repeated.
          const { historyDelayMs, historyFetches } = faults.get()
          void (async () => {
            for (let fetchNo = 0; fetchNo < historyFetches; fetchNo++) {
              await sleep(historyDelayMs)
              interactions.setHistory(
                interaction.hash,
                await fetchExternalHistory(url, historyTimeoutMs),
              )
            }
          })()
        }
        return {
          message: 'Interaction created successfully',
          data: { interaction_hash: interaction.hash },
        }
      })

      // Allowed after finish, so the visitor can still rate; refused only when it never started.
      api.put<HashRoute>('/interactions/:hash', async (request) => {
        const interaction = authorize(request.body, request.params.hash)
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

      api.post<HashRoute>('/interactions/:hash/messages', async (request) => {
        const interaction = authorize(request.body, request.params.hash)
        const body = validate(messageBody, request.body)
        const type = body.type ?? 'text'
        // Required means present and not blank, as API validators usually read it.
        if (body.content.trim() === '') throw new EmulatorError(422, 'content: must not be blank')
        // The document marks `url` optional for every type: a file without one is stored as sent
        // (the console shows that the agent cannot open it).
        const url = body.url?.trim() || null
        ensureOpen(interaction, 'send a message')
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

      api.put<HashRoute>('/interactions/:hash/typing', async (request) => {
        const interaction = authorize(request.body, request.params.hash)
        ensureOpen(interaction, 'notify typing')
        interactions.setVisitorTyping(interaction, true)
        return { message: 'Typing notified successfully', status: 200 }
      })

      api.put<HashRoute>('/interactions/:hash/cleared', async (request) => {
        const interaction = authorize(request.body, request.params.hash)
        ensureOpen(interaction, 'notify cleared')
        interactions.setVisitorTyping(interaction, false)
        return { message: 'Cleared notified successfully', status: 200 }
      })

      api.put<HashRoute>('/interactions/:hash/finish', async (request) => {
        const interaction = authorize(request.body, request.params.hash)
        ensureOpen(interaction, 'finish')
        interactions.end(interaction, 'finished')
        return { message: 'Interaction finished successfully', status: 200 }
      })
    },
    { prefix: '/core/api/v1' },
  )
}
