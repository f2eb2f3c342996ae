import { describe, expect, it, vi } from 'vitest'
import { checkExtra, readExtra } from './extra.ts'

describe('checkExtra', () => {
  it('keeps what fits and names the rest', () => {
    expect(checkExtra({ clientId: 'c-1' })).toEqual({ extra: { clientId: 'c-1' }, problems: [] })
    const mixed = checkExtra({ clientId: 'c-1', widget_page_url: 'x', deep: { a: 1 } })
    expect(mixed.extra).toEqual({ clientId: 'c-1' })
    expect(mixed.problems).toHaveLength(2)
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i]))
    expect(Object.keys(checkExtra(many).extra)).toHaveLength(20)
  })
})

describe('readExtra', () => {
  it('parses a JSON object, and warns about anything else', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(readExtra('{"clientId":"c-1","botId":"b-9"}')).toEqual({ clientId: 'c-1', botId: 'b-9' })
    expect(readExtra(undefined)).toEqual({})
    expect(warn).not.toHaveBeenCalled()
    expect(readExtra('{"clientId":"c-1"')).toEqual({})
    expect(readExtra('["c-1"]')).toEqual({})
    expect(warn).toHaveBeenCalledTimes(2)
    expect(warn.mock.calls[0]?.[0]).toMatch(/^\[zchat\] ignoring data-extra/)
    warn.mockRestore()
  })
})
