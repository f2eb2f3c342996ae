import { describe, expect, it } from 'vitest'
import {
  classify,
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  refusalOf,
  retryAfter,
  TimeoutFailure,
} from './failure.ts'

describe('classify', () => {
  const http = (status: number) => new HttpFailure('PUT', 'u', status, undefined, undefined)
  it.each([
    [401, 'gone'],
    [403, 'gone'],
    [404, 'gone'],
    [409, 'finished'],
    [429, 'busy'],
    [502, 'retryable'],
    [504, 'retryable'],
    [500, 'retryable'],
    [400, 'rejected'],
    [413, 'rejected'],
    [422, 'rejected'],
  ])('HTTP %i is %s', (status, kind) => {
    expect(classify(http(status))).toBe(kind)
  })

  it('treats timeouts and network failures as retryable, anything else as rejected', () => {
    expect(classify(new TimeoutFailure('GET', 'u', 'x'))).toBe('retryable')
    expect(classify(new NetworkFailure('GET', 'u', 'x'))).toBe('retryable')
    expect(classify(new ReplyFailure('GET', 'u', 'x'))).toBe('rejected')
    expect(classify(new Error('network timeout 502'))).toBe('rejected')
  })
})

describe('refusalOf', () => {
  it('is a file gone for a refused upload, a refusal for any other 4xx, nothing for the rest', () => {
    const http = (status: number, field?: string) =>
      new HttpFailure('POST', 'u', status, undefined, undefined, 'why', field)
    expect(refusalOf(http(422, 'upload'))).toBe('file-gone')
    expect(refusalOf(http(422))).toBe('refused')
    expect(refusalOf(http(400, 'text'))).toBe('refused')
    expect(refusalOf(http(413))).toBe('refused')
    expect(refusalOf(http(415))).toBe('refused')
    // These have their own way: start over, the chat ended, wait, or Retry.
    for (const status of [401, 403, 404, 409, 429, 500, 502, 503])
      expect(refusalOf(http(status, 'upload')), String(status)).toBeUndefined()
    expect(refusalOf(new NetworkFailure('POST', 'u', 'x'))).toBeUndefined()
    expect(refusalOf(new ReplyFailure('POST', 'u', 'x'))).toBeUndefined()
  })
})

describe('retryAfter', () => {
  it('is the Retry-After of an HTTP failure, and nothing for any other error', () => {
    expect(retryAfter(new HttpFailure('POST', 'u', 429, 'RATE_LIMITED', 7000))).toBe(7000)
    expect(retryAfter(new HttpFailure('POST', 'u', 429, 'RATE_LIMITED', undefined))).toBeUndefined()
    expect(retryAfter(new NetworkFailure('POST', 'u', 'x'))).toBeUndefined()
  })
})

describe('ApiFailure', () => {
  it('names the class and carries method and URL in the message', () => {
    const error = new HttpFailure('PUT', 'https://proxy.test/x', 409, 'CONFLICT', undefined)
    expect(error.name).toBe('HttpFailure')
    expect(error.message).toBe('PUT https://proxy.test/x: HTTP 409 CONFLICT')
    expect(new TimeoutFailure('GET', 'u', 'late').name).toBe('TimeoutFailure')
  })
})
