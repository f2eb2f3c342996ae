/**
 * Serves the built widget: GET /widget.js (the loader every page fetches: short cache, revalidated
 * by ETag, so a deploy reaches sites within minutes) and GET /widget/:file (the lazily loaded chat,
 * content-hashed by the build: cached for a year). Compressed once per file version, brotli or gzip.
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError } from '../errors.ts'

type Asset = { mtimeMs: number; etag: string; raw: Buffer; br: Buffer; gzip: Buffer }

const types: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
}

export async function widgetRoutes(app: FastifyInstance, { widgetDir }: { widgetDir: string }) {
  const cache = new Map<string, Asset>()

  async function load(path: string): Promise<Asset> {
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(path)
    } catch {
      throw new ApiError('NOT_FOUND', 'Not found')
    }
    const cached = cache.get(path)
    if (cached?.mtimeMs === info.mtimeMs) return cached
    const raw = await readFile(path)
    const asset = {
      mtimeMs: info.mtimeMs,
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
      raw,
      br: brotliCompressSync(raw),
      gzip: gzipSync(raw, { level: 9 }),
    }
    cache.set(path, asset)
    return asset
  }

  async function serve(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    cacheControl: string,
  ) {
    const asset = await load(path)
    const ext = path.split('.').pop() ?? ''
    reply
      .header('cache-control', cacheControl)
      .header('etag', asset.etag)
      .header('vary', 'accept-encoding')
      // Loaded by <script> and import() from other sites' pages.
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .type(types[ext] ?? 'application/octet-stream')
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send()
    const accepts = String(request.headers['accept-encoding'] ?? '')
    if (/\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(asset.br)
    if (/\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip)
    return reply.send(asset.raw)
  }

  // Every page view of every embedding site fetches these, often many visitors behind one NAT:
  // they are cheap, cached files, so they are not rate limited.
  const config = { rateLimit: false } as const
  app.get('/widget.js', { config }, (request, reply) =>
    serve(
      request,
      reply,
      join(widgetDir, 'widget.js'),
      'public, max-age=300, stale-while-revalidate=86400',
    ),
  )
  app.get('/widget/:file', { config }, (request, reply) => {
    const { file } = request.params as { file: string }
    if (!/^[\w-]+\.(js|css|map)$/.test(file)) throw new ApiError('NOT_FOUND', 'Not found')
    return serve(
      request,
      reply,
      join(widgetDir, 'chat', file),
      'public, max-age=31536000, immutable',
    )
  })
}
