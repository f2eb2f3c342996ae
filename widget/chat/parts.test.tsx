// @vitest-environment happy-dom

import { effect, signal } from '@preact/signals'
import { cleanup, fireEvent, render, screen } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { adoptStyles } from '../ui/adopt-styles.ts'
import { PartSlot } from '../ui/PartSlot.tsx'
import { lazyPart, setPartsRoot } from './parts.ts'

afterEach(cleanup)

/** A part whose fetch fails until `online` is set, as a chunk does while the network is down. */
function flakyPart() {
  const line = { online: false, fetches: 0 }
  const part = lazyPart(async () => {
    line.fetches++
    // A round trip, as over the network (and a loop of fetches cannot starve the test's timers).
    await new Promise((resolve) => setTimeout(resolve, 1))
    if (!line.online) throw new TypeError('Failed to fetch dynamically imported module')
    return { Greeting: () => <p>Hello from the part</p>, css: '.zc-part{color:red}' }
  })
  return { part, line }
}

describe('a lazily loaded part of the chat', () => {
  it('shows the placeholder while it loads, then the part, with its CSS in the shadow root', async () => {
    const host = document.createElement('div')
    const shadow = host.attachShadow({ mode: 'open' })
    setPartsRoot((css) => adoptStyles(shadow, css))
    const { part, line } = flakyPart()
    line.online = true
    render(
      <PartSlot part={part} placeholder={<p>keeping the space</p>}>
        {({ Greeting }) => <Greeting />}
      </PartSlot>,
    )
    expect(screen.getByText('keeping the space')).toBeTruthy()
    expect(await screen.findByText('Hello from the part')).toBeTruthy()
    expect(screen.queryByText('keeping the space')).toBeNull()
    expect(shadow.adoptedStyleSheets.length).toBe(1)
    expect(line.fetches).toBe(1)
  })

  it('says it could not load, never a blank, and Try again fetches it again', async () => {
    const { part, line } = flakyPart()
    render(<PartSlot part={part}>{({ Greeting }) => <Greeting />}</PartSlot>)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain("This part of the chat didn't load.")
    line.online = true
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText('Hello from the part')).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(line.fetches).toBe(2)
  })

  it('is fetched once however many slots and prefetches ask for it', async () => {
    const { part, line } = flakyPart()
    line.online = true
    const [first, second] = await Promise.all([part.load(), part.load()])
    expect(first).toBe(second)
    render(<PartSlot part={part}>{({ Greeting }) => <Greeting />}</PartSlot>)
    expect(screen.getByText('Hello from the part')).toBeTruthy()
    expect(line.fetches).toBe(1)
  })

  it('is fetched again by a prefetch at each step, never in a loop of failures', async () => {
    const { part, line } = flakyPart()
    const phase = signal('queued')
    const stop = effect(() => {
      if (phase.value) part.load().catch(() => {})
    })
    await expect.poll(() => part.state.value.name).toBe('failed')
    await Promise.resolve()
    expect(line.fetches).toBe(1)
    phase.value = 'chatting'
    await expect.poll(() => line.fetches).toBe(2)
    await expect.poll(() => part.state.value.name).toBe('failed')
    expect(line.fetches).toBe(2)
    stop()
  })

  it('brings its CSS to a chat mounted again after it loaded (init after destroy)', async () => {
    const first = document.createElement('div').attachShadow({ mode: 'open' })
    setPartsRoot((css) => adoptStyles(first, css))
    const { part, line } = flakyPart()
    line.online = true
    const before = first.adoptedStyleSheets.length
    await part.load()
    expect(first.adoptedStyleSheets.length).toBe(before + 1)
    const again = document.createElement('div').attachShadow({ mode: 'open' })
    setPartsRoot((css) => adoptStyles(again, css))
    await part.load()
    // Every part's CSS loaded so far, this one's included, and nothing fetched again.
    expect(again.adoptedStyleSheets.length).toBe(first.adoptedStyleSheets.length)
    expect(line.fetches).toBe(1)
  })
})
