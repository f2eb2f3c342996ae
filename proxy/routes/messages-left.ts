/**
 * POST /v1/messages-left: no agent can chat (zChat answered `unavailable`, or the site is closed), so
 * the visitor leaves a message and an email address. It is queued for delivery to the site's
 * LEAVE_MESSAGE_URL (messages-left/delivery.ts) and answered 202 at once: the site being slow or
 * down is the queue's business, not the visitor's.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { messageLeftBody } from '../../protocol/schemas.ts'
import { routes } from '../../protocol/wire.ts'
import { type Budget, takeEach } from '../budgets.ts'
import type { VerifyCaptcha } from '../captcha.ts'
import type { Limits } from '../env.ts'
import { ApiError } from '../errors.ts'
import type { Deliveries } from '../messages-left/delivery.ts'
import { parseBody } from './guard.ts'

export type MessagesLeftDeps = {
  /** null: LEAVE_MESSAGE_URL is not set and the route answers 404. */
  deliveries: Deliveries | null
  allowedDepartments: number[] | null
  limits: Pick<Limits, 'leaveMessagePerMinute' | 'bodyLimitBytes'>
  /** The deployment's budgets (messages-left/budgets.ts): each message takes one of every one. */
  budgets: readonly Budget[]
  /** The CAPTCHA check (captcha.ts), a no-op unless CAPTCHA_ACTIONS has `leave-message`. */
  verifyCaptcha: VerifyCaptcha
}

/** How long a visitor is asked to wait when the delivery queue is full. */
const fullRetryAfterSeconds = 60

export async function messagesLeftRoutes(
  app: FastifyInstance,
  { deliveries, allowedDepartments, limits, budgets, verifyCaptcha }: MessagesLeftDeps,
) {
  app.post(
    routes.messagesLeft,
    {
      bodyLimit: limits.bodyLimitBytes,
      // Each message lands in a person's inbox: a few per minute is plenty for one visitor.
      config: { rateLimit: { max: limits.leaveMessagePerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      if (!deliveries) {
        throw new ApiError('NOT_FOUND', 'Leaving a message is not enabled on this chat server')
      }
      const { captcha, ...body } = parseBody(messageLeftBody, request.body, 'message')
      if (
        body.department !== undefined &&
        allowedDepartments &&
        !allowedDepartments.includes(body.department)
      ) {
        throw new ApiError('UNPROCESSABLE', `Department ${body.department} is not available here`)
      }
      // A spent budget refuses before the CAPTCHA provider is asked: no solved token is wasted.
      for (const budget of budgets) await budget.check()
      await verifyCaptcha(captcha, request.ip)
      await takeEach(budgets)
      const message = { id: randomUUID(), receivedAt: new Date().toISOString(), ...body }
      if (!deliveries.accept(message)) {
        await Promise.all(budgets.map((budget) => budget.giveBack()))
        reply.header('retry-after', String(fullRetryAfterSeconds))
        throw new ApiError(
          'SERVICE_UNAVAILABLE',
          'Too many messages are waiting to be delivered; try again in a minute',
        )
      }
      request.log.info({ deliveryId: message.id }, 'left message accepted for delivery')
      return reply.status(202).send({ id: message.id })
    },
  )
}
