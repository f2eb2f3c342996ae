/**
 * A server's token in `Authorization: Bearer <token>` (METRICS_TOKEN, ADMIN_TOKEN), compared in
 * constant time: digests of the whole header, so neither its length nor its first wrong byte shows.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

const digest = (value: string) => createHash('sha256').update(value).digest()

export function bearerCheck(token: string): (request: FastifyRequest) => boolean {
  const expected = digest(`Bearer ${token}`)
  return (request) => timingSafeEqual(digest(request.headers.authorization ?? ''), expected)
}
