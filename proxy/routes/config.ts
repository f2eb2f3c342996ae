/**
 * GET /v1/config: what this proxy lets visitors do, so the widget offers only that (and checks a
 * file's size and type before uploading it).
 */
import type { FastifyInstance } from 'fastify'
import { routes, type WidgetConfig } from '../../protocol/wire.ts'
import type { Limits } from '../env.ts'

export async function configRoutes(
  app: FastifyInstance,
  {
    limits,
    leaveMessage,
    transcriptByEmail,
  }: { limits: Limits; leaveMessage: boolean; transcriptByEmail: boolean },
) {
  const maxBytes = limits.uploadMaxBytes
  const config: WidgetConfig = {
    uploads: maxBytes > 0 ? { maxBytes, types: [...limits.uploadTypes] } : null,
    leaveMessage,
    transcriptByEmail,
  }
  app.get(routes.config, async (_request, reply) =>
    reply.header('cache-control', 'max-age=300').send(config),
  )
}
