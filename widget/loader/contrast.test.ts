import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contrast, luminance, textOn } from './contrast.ts'

const rgb = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255))
  .map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`)
const black = 0
const white = 1

describe('textOn', () => {
  it('puts white on dark accents and black on light ones', () => {
    expect(textOn('rgb(11, 107, 203)')).toBe('#fff')
    expect(textOn('rgb(0, 0, 0)')).toBe('#fff')
    expect(textOn('rgb(255, 214, 0)')).toBe('#000')
    expect(textOn('rgba(255, 255, 255, 0.5)')).toBe('#000')
  })

  it('gives the light sky blue of the issue black text, well past 4.5:1', () => {
    const sky = luminance('rgb(125, 211, 252)') // #7dd3fc
    expect(contrast(white, sky)).toBeLessThan(2)
    expect(textOn('rgb(125, 211, 252)')).toBe('#000')
    expect(contrast(black, sky)).toBeGreaterThan(12)
  })

  it('meets 4.5:1 on every colour', () => {
    fc.assert(
      fc.property(rgb, (accent) => {
        const text = textOn(accent) === '#fff' ? white : black
        expect(contrast(text, luminance(accent))).toBeGreaterThanOrEqual(4.5)
      }),
      { numRuns: 2000 },
    )
  })
})
