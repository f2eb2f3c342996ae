import { describe, expect, it } from 'vitest'
import { textOn } from './contrast.ts'

describe('textOn', () => {
  it('puts white on dark accents and near-black on light ones', () => {
    expect(textOn('rgb(11, 107, 203)')).toBe('#fff')
    expect(textOn('rgb(0, 0, 0)')).toBe('#fff')
    expect(textOn('rgb(255, 214, 0)')).toBe('#111')
    expect(textOn('rgba(255, 255, 255, 0.5)')).toBe('#111')
  })
})
