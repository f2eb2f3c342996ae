import { describe, expect, it } from 'vitest'
import {
  classify,
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
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
