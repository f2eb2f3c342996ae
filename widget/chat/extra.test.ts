import { describe, expect, it } from 'vitest'
import { checkExtra } from './extra.ts'

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
