/**
 * The visitor's calls: start a conversation, send a message (text, or a file uploaded before
 * through routes/uploads.ts, with a caption), typing / cleared, finish, rate.
 * Each is forwarded to zChat with the token added server-side; the outcome is logged so every tab
 * and every reconnect sees the same conversation.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { brazilianPhone } from '../../protocol/checks.ts'
import { messageBody, ratingBody, startBody } from '../../protocol/schemas.ts'
import {
  type AnsweredOn,
  type Channel,
  type LoggedEvent,
  type Media,
  routes,
} from '../../protocol/wire.ts'
import type { VerifyCaptcha } from '../captcha.ts'
import type { Limits } from '../env.ts'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import { ownerOf, type VerifyIdentity } from '../identity.ts'
import type { MediaStore, StoredMedia } from '../media/store.ts'
import type { StartBudget } from '../starts.ts'
import type { TranscriptStore } from '../transcripts/store.ts'
import type { UsedIdentities } from '../used-identities.ts'
import type { Visitors } from '../visitors.ts'
import {
  fromStartResponse,
  toCustomerUpdate,
  toMessageInput,
  toRatingInput,
  toStartInput,
} from '../zchat/adapter.ts'
import { type ZChatClient, ZChatHttpError } from '../zchat/client.ts'
import { visitorConversation } from './conversation.ts'
import { assertOpen, byId, parseBody } from './guard.ts'
import { historyPath } from './history.ts'
import { toMedia } from './media.ts'
import { pageOnSite } from './page.ts'
import { isRefusal, refusedByZChat, upstream } from './upstream.ts'

/** An upload that expired, was swept, or is another conversation's: a 422 on `upload`. */
const fileGone = () =>
  new ApiError('UNPROCESSABLE', 'This file is no longer available; please attach it again', [
    { path: 'upload', message: 'Unknown or expired upload' },
  ])

/** zChat answered, and refused: the call did nothing (a timeout or a 5xx may have done something). */
function zchatSaidNo(error: unknown): boolean {
  let cause = error
  // Ours wrap zChat's, once (upstream()) or twice (an interaction found over).
  while (cause instanceof ApiError) cause = cause.cause
  return cause instanceof ZChatHttpError && cause.status < 500
}

export type InteractionDeps = {
  zchat: ZChatClient
  log: EventLog
  visitors: Visitors
  /** Visitors' uploads, which a message may carry (and so make public). */
  media: Pick<MediaStore, 'find' | 'markSent' | 'markUnsent'>
  /** Read-only tickets for the external-history URL zChat fetches. */
  tickets: Visitors
  /**
   * What the previous conversation said, long after the log forgot it, and whom it belongs to; and
   * which one a new conversation follows.
   */
  transcripts: Pick<TranscriptStore, 'read' | 'begin'>
  publicUrl: () => string
  /** The sites allowed to embed the chat: the only pages whose URL reaches the agent. */
  allowedOrigins: '*' | readonly string[]
  allowedDepartments: number[] | null
  verifyIdentity: VerifyIdentity
  /** Identities' ids already used: each starts one conversation. */
  usedIdentities: UsedIdentities
  /** The whole process's budget of new conversations per minute. */
  startBudget: StartBudget
  verifyCaptcha: VerifyCaptcha
  departmentTags: ReadonlyMap<number, readonly string[]>
  /** Where agents may answer (ALLOWED_CHANNELS): a start on another is refused. */
  allowedChannels: readonly Channel[]
  limits: Pick<Limits, 'startsPerMinute' | 'typingPerMinute' | 'bodyLimitBytes' | 'zchatTimeoutMs'>
}

export async function interactionRoutes(
  app: FastifyInstance,
  {
    zchat,
    log,
    visitors,
    media,
    tickets,
    transcripts,
    publicUrl,
    allowedOrigins,
    allowedDepartments,
    verifyIdentity,
    usedIdentities,
    startBudget,
    verifyCaptcha,
    departmentTags,
    allowedChannels,
    limits,
  }: InteractionDeps,
) {
  const bodyLimit = limits.bodyLimitBytes
  // Two concurrent retries of one message must reach zChat once.
  const inFlight = new Map<string, Promise<LoggedEvent | undefined>>()

  /**
   * The visitor's previous conversation, when they prove it was theirs (its credential) and it
   * belongs to the same owner as the new one (identity.ts ownerOf): the browser's next user (a shared
   * computer) gets none of the last one's history, and their conversation does not carry it (erasing
   * theirs would take it), whatever the widget sends.
   */
  async function ownPrevious(
    sent: { conversationId: string; credential: string } | undefined,
    owner: string,
    request: FastifyRequest,
  ) {
    if (!sent) return undefined
    try {
      visitors.verify(`Bearer ${sent.credential}`, sent.conversationId)
    } catch {
      return undefined
    }
    const kept = await transcripts.read(sent.conversationId)
    if (kept?.owner !== owner) {
      request.log.info(
        { previous: sent.conversationId },
        'previous conversation belongs to another identity (or nobody): its history is left out',
      )
      return undefined
    }
    return { id: sent.conversationId, said: kept.messages.length > 0 }
  }

  /** The URL zChat fetches the visitor's own previous conversation from, when it said something. */
  function previousHistory(previous: { id: string; said: boolean } | undefined) {
    return previous?.said
      ? `${publicUrl()}${historyPath(tickets.issue(previous.id).credential)}`
      : undefined
  }

  app.post(
    routes.start,
    { bodyLimit, config: { rateLimit: { max: limits.startsPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = parseBody(startBody, request.body, 'conversation')
      const department =
        body.department ?? (allowedDepartments?.length === 1 ? allowedDepartments[0] : undefined)
      if (department === undefined)
        throw new ApiError('VALIDATION_ERROR', 'department is required', [
          { path: 'department', message: 'Required' },
        ])
      if (allowedDepartments && !allowedDepartments.includes(department)) {
        throw new ApiError('UNPROCESSABLE', `Department ${department} is not available here`)
      }
      const channel = body.channel ?? 'web'
      if (!allowedChannels.includes(channel))
        throw new ApiError('UNPROCESSABLE', `Answering by ${channel} is not enabled here`, [
          { path: 'channel', message: 'Not one of this proxy’s channels (ALLOWED_CHANNELS)' },
        ])
      // The schema made sure a phone channel comes with a Brazilian phone: zChat gets its digits.
      const phone = brazilianPhone(body.visitor?.phone ?? '')
      const answeredOn: AnsweredOn | undefined =
        channel !== 'web' && phone ? { channel, phone } : undefined
      const checked = body.identity && verifyIdentity(body.identity)
      const identity = checked ? checked.verified : undefined
      // Spent budget refuses before the CAPTCHA provider is asked: no solved token is wasted.
      await startBudget.check()
      await verifyCaptcha(body.captcha, request.ip)
      await startBudget.take()
      // Taken last, once nothing else refuses: a start refused for another reason leaves it usable.
      if (checked && !(await usedIdentities.take(checked.jti, checked.expiresAt))) {
        void startBudget.giveBack()
        throw new ApiError(
          'AUTHENTICATION_ERROR',
          'Identity was used before (its jti started a conversation): sign a new one for each conversation; see docs/identity.md',
        )
      }
      const owner = ownerOf(identity)
      const previous = await ownPrevious(body.previous, owner, request)
      const externalHistory = previousHistory(previous)
      const page = body.page && pageOnSite(body.page, allowedOrigins)
      const { interactionHash } = await upstream(() =>
        zchat
          .start(toStartInput({ ...body, page, department, externalHistory, identity, answeredOn }))
          .then(fromStartResponse),
      ).catch((error: unknown) => {
        void startBudget.giveBack()
        // No interaction was made: the site's identity may start one when the visitor retries.
        if (checked) void usedIdentities.giveBack(checked.jti).catch(() => {})
        throw error
      })
      await log.open(interactionHash)
      // Its owner; and which conversation it follows: the visitor's erasure takes both
      // (routes/erasure.ts).
      await transcripts.begin(interactionHash, {
        owner,
        ...(previous && { previous: previous.id }),
      })
      // zChat takes the customer key and tags only in an update. Should it fail, the conversation
      // still goes on (the visitor is already queued), and the log says what the agent will miss.
      const update = toCustomerUpdate(identity, departmentTags.get(department))
      if (update) {
        await upstream(() => zchat.update(interactionHash, update)).catch((error: unknown) =>
          request.log.error({ err: error, interactionHash }, 'could not set customer key and tags'),
        )
      }
      const { credential, expiresAt } = visitors.issue(interactionHash)
      return reply.status(201).send({
        conversationId: interactionHash,
        credential,
        expiresAt: expiresAt.toISOString(),
        ...(answeredOn && { answeredOn }),
      })
    },
  )

  /**
   * Whether zChat still takes calls on an interaction, asked once it refused a message: a `cleared`,
   * which carries no content and is true once a message is sent. Only its refusal says no; a timeout
   * or a 5xx says nothing, and nothing is ended on nothing (docs/decisions/017-no-guess-ends-a-chat.md).
   */
  async function stillTakesCalls(conversationId: string): Promise<boolean> {
    try {
      await zchat.cleared(conversationId)
      return true
    } catch (error) {
      return !isRefusal(error)
    }
  }

  /**
   * A visitor's message to zChat. A refusal is the message's alone while zChat still takes calls on
   * the interaction (a 422 the visitor is told of); when it takes none, the conversation is over
   * whether or not its trigger reached us: every tab hears it, and the visitor is offered a new one
   * instead of messages that can never be sent.
   */
  async function sendToZChat(
    conversationId: string,
    input: Parameters<ZChatClient['sendMessage']>[1],
  ) {
    try {
      await upstream(() => zchat.sendMessage(conversationId, input))
    } catch (error) {
      if (!isRefusal(error)) throw error
      if (await stillTakesCalls(conversationId)) throw refusedByZChat('message', error)
      await log.append(conversationId, { type: 'finished', by: 'agent' }, 'finished')
      throw Object.assign(new ApiError('CONFLICT', 'This conversation has ended'), {
        cause: error instanceof ApiError ? error.cause : error,
      })
    }
  }

  /**
   * The upload a message carries: this conversation's, and not expired. A missing one is a 422 on
   * `upload`, not a 404: to the widget a 404 here means the conversation itself is gone, and a
   * swept file must not end the visitor's chat.
   */
  async function attachment(conversationId: string, uploadId: string): Promise<StoredMedia> {
    const stored = await media.find(uploadId)
    // Another conversation's upload is as unknown here as one that never existed.
    if (!stored || stored.conversationId !== conversationId) throw fileGone()
    return stored
  }

  /** Longer than a zChat call may take, so a claim outlives the call it guards. */
  const claimMs = 2 * limits.zchatTimeoutMs + 5000
  const beingSent = () =>
    Object.assign(
      new ApiError('SERVICE_UNAVAILABLE', 'This message is being sent; retry shortly'),
      {
        retryAfter: 1,
      },
    )

  app.post(byId(routes.messages), { bodyLimit }, async (request, reply) => {
    const auth = await visitorConversation(request, visitors, log)
    const { clientId, text, upload } = parseBody(messageBody, request.body, 'message')
    const key = `visitor-message:${clientId}`
    const findSent = async () =>
      (await log.readAfter(auth.conversationId, 0)).find(
        (e) => e.type === 'message' && e.clientId === clientId,
      )
    const send = async () => {
      // A retry of a message that already reached zChat: answer as before, send nothing.
      if (auth.status.keys.has(key)) return findSent()
      assertOpen(auth.status)
      const stored =
        upload === undefined ? undefined : await attachment(auth.conversationId, upload)
      // A retry that reached another instance while this one still sends it (several instances on
      // Redis): one of them calls zChat, the other answers a retryable 503 and is then answered as
      // a retry of a stored message.
      if (!(await log.claim(auth.conversationId, key, claimMs))) throw beingSent()
      if ((await log.status(auth.conversationId))?.keys.has(key)) return findSent()
      let file: Media | undefined
      try {
        // Public from now on: zChat may fetch the URL while it takes the message.
        const sent = stored && (await media.markSent(stored))
        if (stored && !sent) throw fileGone()
        file = sent ? toMedia(sent, publicUrl()) : undefined
        await sendToZChat(auth.conversationId, toMessageInput(text, file))
      } catch (error) {
        await log.release(auth.conversationId, key).catch(() => {})
        // zChat said no: nobody was handed the URL, so the file is private again (unless an
        // earlier message had sent it).
        if (stored && !stored.sentAt && zchatSaidNo(error))
          await media.markUnsent(stored).catch(() => {})
        throw error
      }
      const logged = await log.append(
        auth.conversationId,
        {
          type: 'message',
          author: 'visitor',
          messageId: `v-${clientId}`,
          text,
          ...(file && { media: file }),
          clientId,
        },
        key,
      )
      return logged ?? findSent()
    }
    const flightKey = `${auth.conversationId}\n${clientId}`
    let pending = inFlight.get(flightKey)
    if (!pending) {
      pending = send().finally(() => inFlight.delete(flightKey))
      inFlight.set(flightKey, pending)
    }
    const logged = await pending
    if (!logged) throw new ApiError('CONFLICT', 'This conversation has ended')
    return reply.status(202).send({
      messageId: logged.type === 'message' ? logged.messageId : `v-${clientId}`,
      eventId: logged.id,
    })
  })

  for (const [path, call] of [
    [routes.typing, zchat.typing],
    [routes.cleared, zchat.cleared],
  ] as const) {
    app.put(
      byId(path),
      { bodyLimit, config: { rateLimit: { max: limits.typingPerMinute, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const auth = await visitorConversation(request, visitors, log)
        assertOpen(auth.status)
        try {
          await upstream(() => call(auth.conversationId))
        } catch (error) {
          // A notice zChat refused ends nothing: the next message finds out what it meant.
          if (!isRefusal(error)) throw error
          request.log.warn({ err: error }, 'zChat refused a typing notice; ignored')
        }
        return reply.status(204).send()
      },
    )
  }

  app.put(byId(routes.finish), { bodyLimit }, async (request, reply) => {
    const auth = await visitorConversation(request, visitors, log)
    if (auth.status.ended) return reply.status(204).send()
    try {
      await upstream(() => zchat.finish(auth.conversationId))
    } catch (error) {
      // Already over in zChat, or unknown there: the visitor's wish is granted all the same.
      if (!isRefusal(error)) throw error
    }
    await log.append(auth.conversationId, { type: 'finished', by: 'visitor' }, 'finished')
    return reply.status(204).send()
  })

  app.put(byId(routes.rating), { bodyLimit }, async (request, reply) => {
    const auth = await visitorConversation(request, visitors, log)
    const rating = parseBody(ratingBody, request.body, 'rating')
    if (auth.status.keys.has('rated'))
      throw new ApiError('CONFLICT', 'This conversation has already been rated')
    // The document never says an ended interaction takes updates: a refusal is final, and said so.
    await upstream(() => zchat.update(auth.conversationId, toRatingInput(rating))).catch(
      (error: unknown) => {
        throw isRefusal(error) ? refusedByZChat('rating', error) : error
      },
    )
    await log.append(auth.conversationId, { type: 'rated', mood: rating.mood }, 'rated')
    return reply.status(204).send()
  })
}
