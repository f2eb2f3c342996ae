import { describe, expect, it } from 'vitest'
import { heapGrown, type Life, type Reading, slope } from './report.ts'

const series = (values: number[], from = 0): Reading[] =>
  values.map((mb, i) => ({ minute: from + i / 6, bytes: mb * 1e6 }))

const life = (heapTotal: number[], startedMinute = 0): Life => ({
  name: 'A',
  startedMinute,
  readings: [],
  memoryFile: '',
  collected: {
    rss: [],
    heap: [],
    heapTotal: series(heapTotal, startedMinute),
    native: [],
    external: [],
    files: [],
  },
})

describe("the soak's memory figures", () => {
  it('fits a line in MB per minute, and says nothing on fewer than three readings', () => {
    expect(slope(series([100, 101, 102, 103, 104, 105, 106]))).toBeCloseTo(6)
    expect(slope(series([120, 120, 120]))).toBe(0)
    expect(slope(series([120, 121]))).toBeNull()
  })

  it("takes the warm-up to the last step of V8's committed heap, never shorter than the fixed one", () => {
    // Steps at readings 2 (minute 1/3) and 30 (minute 5), flat after.
    const steps = [31, 31, 37, ...Array(27).fill(37), 64, ...Array(20).fill(64)]
    expect(heapGrown(life(steps), 2)).toBeCloseTo(5)
    expect(heapGrown(life(Array(60).fill(40)), 2)).toBe(2)
    // A restarted instance's own clock: from its start.
    expect(heapGrown(life(Array(30).fill(40), 5), 2)).toBe(7)
    // Growing half a megabyte at a time is not a step: no reading is a megabyte above all before it.
    expect(
      heapGrown(life([40, 40.5, 41, 41.5, 42, 42.5, 43, 43.5, 44, 44.5, 45, 45.5, 46]), 0),
    ).toBe(0)
    // Down and up again below the highest so far is not growth: only a new high counts.
    const wobble = [63.8, 60.7, 62.3, 62.8, 63.6, 65.2, 64.1, 63.3, 63.8, 63.8, 64.9]
    expect(heapGrown(life(wobble), 0)).toBeCloseTo(5 / 6)
  })
})
