import { describe, expect, it } from 'vitest'
import { superLinearReason } from './linear-regex.ts'

describe('superLinearReason', () => {
  it('passes patterns that are linear on any input', () => {
    for (const linear of [
      /\bhttps?:\/\/[^\s<>"']+/gi,
      /^https?:\/\/\S+$/,
      /^[\d.\s-]+$/,
      /[\d.]+/g,
      /^\d+$/,
      /\*$/,
      /-/g,
      /^(?:[a-z]{2,3})(?:-[A-Z]{2})?$/,
      /(?:x[a-z]+)/,
    ]) {
      expect(superLinearReason(linear), String(linear)).toBeNull()
    }
  })

  it('refuses what backtracks: a quantifier that can fail, unanchored, nested or adjacent ones', () => {
    const cases: Array<[RegExp, string]> = [
      // linkify's old trim: every dot is a start, each runs to the end: n² steps.
      [/[.,;:!?)\]]+$/, 'unanchored'],
      [/\s*,/, 'unanchored'],
      [/\/+$/, 'unanchored'],
      [/^[a-z]+$|x/, 'unanchored'],
      [/^a+b$/m, 'unanchored'],
      [/^(a+)+$/, 'repeated group'],
      [/^a+a+$/, 'more than one'],
      [/\s*([-,])\s*/g, 'more than one'],
      [/^(a|a)+$/, 'repeated group'],
      [/^(ab){2,5}$/, 'repeated group'],
      [/^(a)\1$/, 'back-reference'],
      [/^(?<x>a)\k<x>$/, 'back-reference'],
    ]
    for (const [pattern, reason] of cases) {
      expect(superLinearReason(pattern), String(pattern)).toContain(reason)
    }
  })
})
