import { describe, expect, it } from 'vitest'
import { createSseParser, type SseMessage } from './sse.ts'

function parse(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = []
  const parser = createSseParser((m) => out.push(m))
  for (const chunk of chunks) parser.push(chunk)
  return out
}

/** Every way of cutting `text` into two or three pieces. */
function splits(text: string): string[][] {
  const all: string[][] = [[text]]
  for (let i = 0; i <= text.length; i++) {
    all.push([text.slice(0, i), text.slice(i)])
    for (let j = i; j <= text.length; j += 3)
      all.push([text.slice(0, i), text.slice(i, j), text.slice(j)])
  }
  return all
}

const stream = 'id: 1\ndata: {"a":1}\n\n: ping\n\nid: 2\ndata: line one\ndata: line two\n\n'
const expected: SseMessage[] = [
  { id: '1', event: 'message', data: '{"a":1}' },
  { id: '2', event: 'message', data: 'line one\nline two' },
]

describe('createSseParser', () => {
  it('parses frames, skipping comment heartbeats', () => {
    expect(parse([stream])).toEqual(expected)
  })

  it('gives the same result however the stream is chunked', () => {
    for (const chunks of splits(stream)) expect(parse(chunks)).toEqual(expected)
  })

  it('accepts CRLF and lone CR line endings, even split between CR and LF', () => {
    const crlf = stream.replaceAll('\n', '\r\n')
    for (const chunks of splits(crlf)) expect(parse(chunks)).toEqual(expected)
    expect(parse([stream.replaceAll('\n', '\r')])).toEqual(expected)
  })

  it('waits for the blank line before dispatching', () => {
    expect(parse(['id: 1\ndata: x\n'])).toEqual([])
  })

  it('ignores frames without data, but keeps their id for the next', () => {
    expect(parse(['id: 7\n\ndata: x\n\n'])).toEqual([{ id: '7', event: 'message', data: 'x' }])
  })

  it('keeps values without the optional space and fields without a value', () => {
    expect(parse(['data:x\ndata\nevent:custom\n\n'])).toEqual([
      { id: undefined, event: 'custom', data: 'x\n' },
    ])
  })

  it('drops a leading byte order mark', () => {
    expect(parse(['\ufeffdata: x\n\n'])).toEqual([{ id: undefined, event: 'message', data: 'x' }])
  })

  it('passes comment lines to the optional comment callback, wherever the chunks split', () => {
    const text = ': stream open\n\n:ping\r\ndata: x\n: \n\n'
    for (const chunks of splits(text)) {
      const seen: string[] = []
      const parser = createSseParser((m) => seen.push(`message ${m.data}`), {
        onComment: (c) => seen.push(`comment ${c}`),
      })
      for (const chunk of chunks) parser.push(chunk)
      expect(seen).toEqual(['comment  stream open', 'comment ping', 'comment  ', 'message x'])
    }
  })

  it('passes a retry field of digits to the optional retry callback, and ignores any other', () => {
    const retries: number[] = []
    const parser = createSseParser(() => {}, { onRetry: (ms) => retries.push(ms) })
    parser.push('retry: 2500\n\nretry: soon\n\nretry: -1\n\nretry:40\n\n')
    expect(retries).toEqual([2500, 40])
  })

  it('ignores unknown fields and ids containing NUL', () => {
    expect(parse(['id: 1\nretry: 10\nfoo: bar\ndata: a\n\nid: 2\0\ndata: b\n\n'])).toEqual([
      { id: '1', event: 'message', data: 'a' },
      { id: '1', event: 'message', data: 'b' },
    ])
  })
})
