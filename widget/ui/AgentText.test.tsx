// @vitest-environment happy-dom
/**
 * An agent's message is text from outside the visitor's page: one crafted message must not freeze
 * it. Every regular expression the widget's own code runs on it, from the event to the rendered
 * bubble, is held to a rule that makes it linear on any input (testing/linear-regex.ts): no clock.
 */
import { screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { createChatting, renderWindow } from '../testing/chat.tsx'
import { recordRegexRuns, superLinearReason } from '../testing/linear-regex.ts'
import { linkify } from './format.ts'

const log = () => screen.getByRole('log', { name: 'Messages' })

/** What an attacker with an agent's seat (or a forged trigger) would send: runs a backtracking pattern chokes on. */
const hostile = [
  `http://a${'.'.repeat(60_000)}b`,
  `see http://shop.test/order${'.'.repeat(60_000)}`,
  `${'('.repeat(20_000)}http://x.test/${')'.repeat(20_000)}!`,
  `${' '.repeat(30_000)},${'-'.repeat(30_000)}`,
  `https://${'a'.repeat(60_000)}`,
].join(' ')

describe('a hostile agent message', () => {
  it('goes through the widget’s text functions without a pattern that backtracks on it', async () => {
    const chat = await createChatting()
    renderWindow(chat)
    const runs = await recordRegexRuns(['/widget/', '/protocol/'], 1000, async () => {
      chat.fake.emit({
        type: 'message',
        author: 'agent',
        messageId: 'hostile',
        text: hostile,
        agentName: 'A'.repeat(5000),
        media: { kind: 'file', url: `https://cdn.test/${'%'.repeat(20_000)}.pdf` },
      })
      await waitFor(() => expect(log().textContent).toContain('shop.test/order'))
    })
    // The recorder saw the agent's text (linkify runs its URL pattern on it): it is not asleep.
    expect(runs.some((run) => run.inputLength >= hostile.length)).toBe(true)
    const offenders = runs.flatMap(({ pattern, caller }) => {
      const reason = superLinearReason(pattern)
      return reason ? [`${pattern} (${reason}) at ${caller.trim()}`] : []
    })
    expect(offenders).toEqual([])
    // And what the visitor sees is right: trailing dots left out of the link, kept as text.
    const link = within(log()).getByRole('link', { name: 'http://shop.test/order' })
    expect(link.getAttribute('href')).toBe('http://shop.test/order')
  })
})

describe('linkify on huge inputs', () => {
  it('leaves the sentence’s punctuation out of a link, however long the run of it', () => {
    const dots = '.'.repeat(100_000)
    expect(linkify(`see http://shop.test/x${dots}`)).toEqual([
      { text: 'see ' },
      { text: 'http://shop.test/x', href: 'http://shop.test/x' },
      { text: dots },
    ])
    // A letter after the run: the dots are part of the address.
    const parts = linkify(`http://a${dots}b`)
    expect(parts).toHaveLength(1)
    expect(parts[0]?.text).toHaveLength(100_009)
    // Nothing but punctuation after the scheme: no link at all.
    expect(linkify(`http://${dots}`)).toEqual([{ text: `http://${dots}` }])
    expect(linkify('(see http://x.test/a_(b)).')).toEqual([
      { text: '(see ' },
      { text: 'http://x.test/a_(b', href: 'http://x.test/a_(b' },
      { text: ')).' },
    ])
  })
})
