/**
 * GET /metrics on the main port, for a scraper that can only reach the public address: it answers
 * only with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Registered only
 * when a token is set; otherwise /metrics is a 404 like any unknown path. The scraper is exempt
 * from the rate limit; anyone guessing the token is not.
 */
import type { FastifyInstance } from 'fastify'
import { ApiError } from '../errors.ts'
import type { Metrics } from '../metrics.ts'
import { bearerCheck } from './bearer.ts'

export type MetricsDeps = { metrics: Metrics; token: string }

export async function metricsRoutes(app: FastifyInstance, { metrics, token }: MetricsDeps) {
  const isScraper = bearerCheck(token)

  app.get(
    '/metrics',
    { config: { rateLimit: { allowList: (request) => isScraper(request) } } },
    async (request, reply) => {
      if (!isScraper(request)) {
        reply.header('www-authenticate', 'Bearer')
        throw new ApiError('AUTHENTICATION_ERROR', 'Metrics need Authorization: Bearer <token>')
      }
      const { contentType, body } = await metrics.render()
      return reply.header('cache-control', 'no-store').type(contentType).send(body)
    },
  )
}
