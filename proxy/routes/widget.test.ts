import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from '../testing/harness.ts'

let h: Harness
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'widget-'))
  mkdirSync(join(dir, 'chat'))
  writeFileSync(join(dir, 'widget.js'), 'console.log("loader")')
  writeFileSync(join(dir, 'chat', 'chat-abc123.js'), 'export function mount() {}')
  h = await startHarness({ widgetDir: dir })
})
afterAll(() => h.close())

describe('widget files', () => {
  it('serves the loader with a short, revalidated cache, to any site', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/widget.js',
      headers: { 'accept-encoding': 'br, gzip' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
      'content-encoding': 'br',
      'cross-origin-resource-policy': 'cross-origin',
    })
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe('console.log("loader")')
    const again = await h.app.inject({
      method: 'GET',
      url: '/widget.js',
      headers: { 'if-none-match': String(response.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
  })

  it('serves the hashed chat chunk as immutable and nothing outside the build', async () => {
    const chunk = await h.app.inject({ method: 'GET', url: '/widget/chat-abc123.js' })
    expect(chunk.statusCode).toBe(200)
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(chunk.body).toBe('export function mount() {}')
    for (const url of [
      '/widget/..%2Fwidget.js',
      '/widget/missing-1.js',
      '/widget/%2E%2E%2F%2E%2E%2Fpackage.json',
    ]) {
      const response = await h.app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(404)
      expect(response.json().code).toBe('NOT_FOUND')
    }
  })
})
