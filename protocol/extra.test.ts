import { describe, expect, it } from 'vitest'
import { extraProblems } from './extra.ts'

describe('extraProblems', () => {
  it("takes a site's flat keys and plain values", () => {
    expect(
      extraProblems({ clientId: 'c-1', 'order.id': 42, vip: true, coupon: null, 'a-b_c': '' }),
    ).toEqual([])
  })

  it('names what does not fit', () => {
    expect(extraProblems('{"a":1}')).toEqual(['extra must be a JSON object of keys and values'])
    expect(extraProblems([1])).toEqual(['extra must be a JSON object of keys and values'])
    expect(extraProblems({ widget_page_url: 'x' })).toEqual([
      'extra key "widget_page_url": keys starting with widget_ are the widget\'s',
    ])
    expect(extraProblems({ 'has space': 1 })[0]).toMatch(/extra key "has space"/)
    expect(extraProblems({ nested: { a: 1 } })[0]).toMatch(/"nested": a string, number/)
    expect(extraProblems({ big: 'x'.repeat(501) })[0]).toMatch(/at most 500 characters/)
    expect(extraProblems({ n: Number.NaN })[0]).toMatch(/finite number/)
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))
    expect(extraProblems(many)).toEqual(['extra has 21 keys; at most 20'])
  })
})
