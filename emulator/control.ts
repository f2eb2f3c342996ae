/**
 * The control API under `/control`: the agent's side of zChat (what the console clicks and tests
 * call), fault injection and the webhook delivery log. None of it is in the seed, which documents
 * the client's side only; each agent action sends the trigger the seed shows for it
 * (docs/zchat/seed/clientapi-v1.md#triggers) and answers with the updated interaction.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { EmulatorError } from './errors.ts'
import { type FaultInjector, faultsPatch } from './faults.ts'
import { fetchExternalHistory } from './history.ts'
import type { Agent, Interaction, InteractionState, Interactions } from './interactions.ts'
import { messageTypes } from './schemas.ts'
import type { Webhooks } from './webhooks.ts'

export type ControlDeps = {
  interactions: Interactions
  faults: FaultInjector
  webhooks: Webhooks
  historyTimeoutMs: number
}

type HashRoute = { Params: { hash: string } }

const acceptBody = z.strictObject({ agentName: z.string().trim().min(1).max(100).optional() })
const messageBody = z.strictObject({
  content: z.string().max(10_000).default(''),
  type: z.enum(messageTypes).default('text'),
  url: z.string().trim().max(2_000).optional(),
})
const queueBody = z.strictObject({ position: z.int().min(0) })

function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  // A POST without a body (no content type) arrives as undefined: the same as `{}`.
  const parsed = schema.safeParse(body ?? {})
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  throw new EmulatorError(400, `${field}${issue?.message ?? 'invalid body'}`)
}

function expectState(interaction: Interaction, allowed: InteractionState[], action: string): void {
  if (!allowed.includes(interaction.state)) {
    throw new EmulatorError(409, `Cannot ${action}: the interaction is ${interaction.state}`)
  }
}

export function registerControl(app: FastifyInstance, deps: ControlDeps): void {
  const { interactions, faults, webhooks } = deps
  // The same name is the same agent, so its id stays put across interactions.
  const agents = new Map<string, Agent>([['Atendente', { id: 111, name: 'Atendente' }]])

  function agentNamed(name = 'Atendente'): Agent {
    const known = agents.get(name)
    if (known) return known
    const agent = { id: 111 + agents.size, name }
    agents.set(name, agent)
    return agent
  }

  function find(hash: string): Interaction {
    const interaction = interactions.get(hash)
    if (!interaction) throw new EmulatorError(404, `Interaction ${hash} not found`)
    return interaction
  }

  app.register(
    async (control) => {
      control.get('/interactions', async () => interactions.list())
      control.get<HashRoute>('/interactions/:hash', async (request) => find(request.params.hash))

      control.post<HashRoute>('/interactions/:hash/accept', async (request) => {
        const interaction = find(request.params.hash)
        const { agentName } = validate(acceptBody, request.body)
        expectState(interaction, ['queued'], 'accept')
        interactions.accept(interaction, agentNamed(agentName))
        return interaction
      })

      for (const [path, typing] of [
        ['typing', true],
        ['cleared', false],
      ] as const) {
        control.post<HashRoute>(`/interactions/:hash/${path}`, async (request) => {
          const interaction = find(request.params.hash)
          expectState(interaction, ['accepted'], typing ? 'start typing' : 'stop typing')
          interactions.setAgentTyping(interaction, typing)
          return interaction
        })
      }

      // docs/zchat/seed/clientapi-v1.md#agent-new-message. The agent's files always have a URL:
      // the trigger is how the visitor gets them.
      control.post<HashRoute>('/interactions/:hash/messages', async (request) => {
        const interaction = find(request.params.hash)
        const body = validate(messageBody, request.body)
        const url = body.url || null
        if (body.type === 'text' && body.content.trim() === '') {
          throw new EmulatorError(400, 'content: a text message needs some text')
        }
        if (body.type !== 'text' && url === null) {
          throw new EmulatorError(400, `url: a message of type ${body.type} needs a URL`)
        }
        expectState(interaction, ['accepted'], 'send a message')
        interactions.addMessage(interaction, 'AGENT', {
          content: body.content,
          type: body.type,
          url,
        })
        return interaction
      })

      control.post<HashRoute>('/interactions/:hash/finish', async (request) => {
        const interaction = find(request.params.hash)
        expectState(interaction, ['queued', 'accepted'], 'finish')
        interactions.end(interaction, 'finished')
        return interaction
      })

      control.post<HashRoute>('/interactions/:hash/unavailable', async (request) => {
        const interaction = find(request.params.hash)
        // docs/zchat/seed/clientapi-v1.md#in-case-of-unavailable-agents. Seed silent: when it may
        // come. After `accepted` too (the agent's session dropped, the shift ended), so the proxy
        // and the widget are tested against it.
        expectState(interaction, ['queued', 'accepted'], 'mark unavailable')
        interactions.end(interaction, 'unavailable')
        return interaction
      })

      // Seed silent (docs/zchat/seed/clientapi-v1.md#external-history): when zChat GETs the
      // external history. Any time, a day after the start as well: this GETs it now, as often as a
      // test or the console asks.
      control.post<HashRoute>('/interactions/:hash/history', async (request) => {
        const interaction = find(request.params.hash)
        const url = interaction.externalHistory?.url
        if (!url)
          throw new EmulatorError(409, 'The interaction was started without external_history')
        interactions.setHistory(
          interaction.hash,
          await fetchExternalHistory(url, deps.historyTimeoutMs, faults.get().historyTimeZone),
        )
        return find(interaction.hash)
      })

      // A `queued` trigger with any position (docs/zchat/seed/clientapi-v1.md#interaction-added-to-queue),
      // for a queue that moves as the emulator's does not.
      control.post<HashRoute>('/interactions/:hash/queue', async (request) => {
        const interaction = find(request.params.hash)
        const { position } = validate(queueBody, request.body)
        expectState(interaction, ['queued'], 'announce a queue position')
        interactions.announce(interaction, position)
        return interaction
      })

      control.get('/faults', async () => faults.get())
      control.post('/faults', async (request) => faults.apply(validate(faultsPatch, request.body)))

      control.get('/webhooks', async () => webhooks.log())
      // Waits for every trigger sent so far (retries and delays included), then answers the log:
      // a test can tell that a trigger was not sent without sleeping.
      control.post('/webhooks/settle', async () => {
        await webhooks.settle()
        return webhooks.log()
      })

      control.post('/reset', async () => {
        interactions.reset()
        faults.reset()
        await webhooks.reset()
        return { message: 'Emulator reset', status: 200 }
      })
    },
    { prefix: '/control' },
  )
}
