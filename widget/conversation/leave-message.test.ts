import { describe, expect, it, vi } from 'vitest'
import type { MessageLeftBody } from '../../protocol/schemas.ts'
import { HttpFailure, NetworkFailure } from './failure.ts'
import {
  checkLeftMessage,
  createLeaveMessage,
  type LeaveMessageDeps,
  visitorWords,
} from './leave-message.ts'

const url = 'https://proxy.example/v1/messages-left'
const http = (status: number) => new HttpFailure('POST', url, status, undefined, undefined)

function setup(overrides: Partial<LeaveMessageDeps> = {}) {
  const send = vi.fn<(body: MessageLeftBody) => Promise<void>>(async () => {})
  const leave = createLeaveMessage({
    send,
    enabled: async () => true,
    context: () => ({ department: 2, page: { url: 'https://shop.example/cart' } }),
    ...overrides,
  })
  return { leave, send }
}

describe('checkLeftMessage', () => {
  it('wants an email address and a message, within bounds', () => {
    expect(checkLeftMessage({ email: ' ana@example.com ', text: ' Hi ' })).toEqual([])
    expect(checkLeftMessage({ email: '', text: '' })).toEqual(['email-missing', 'text-missing'])
    expect(checkLeftMessage({ email: 'ana@', text: '   ' })).toEqual([
      'email-invalid',
      'text-missing',
    ])
    expect(checkLeftMessage({ email: 'ana@example.com', text: 'x'.repeat(4001) })).toEqual([
      'text-too-long',
    ])
  })
})

describe('visitorWords', () => {
  it('gathers what the visitor wrote before no agent could take the chat', () => {
    expect(
      visitorWords([
        { kind: 'visitor', clientId: 'a', text: 'Hello?', at: '', delivery: 'sent' },
        { kind: 'joined' },
        {
          kind: 'visitor',
          clientId: 'b',
          text: ' Do you ship to Recife? ',
          at: '',
          delivery: 'sent',
        },
      ]),
    ).toBe('Hello?\n\nDo you ship to Recife?')
  })
})

describe('the leave-a-message form', () => {
  it('starts with what is known and sends the message once with the page and conversation', async () => {
    const { leave, send } = setup()
    await leave.prepare({
      name: 'Ana',
      email: 'ana@example.com',
      text: 'Do you ship to Recife?',
      conversationId: 'c1',
    })
    expect(leave.status.value).toEqual({ name: 'editing' })
    expect([leave.name.value, leave.email.value, leave.text.value]).toEqual([
      'Ana',
      'ana@example.com',
      'Do you ship to Recife?',
    ])
    const sending = leave.submit()
    expect(leave.status.value).toEqual({ name: 'sending' })
    // A second press while sending sends nothing more.
    void leave.submit()
    await sending
    expect(send).toHaveBeenCalledOnce()
    expect(send).toHaveBeenCalledWith({
      email: 'ana@example.com',
      name: 'Ana',
      text: 'Do you ship to Recife?',
      department: 2,
      page: { url: 'https://shop.example/cart' },
      conversationId: 'c1',
    })
    expect(leave.status.value).toEqual({ name: 'sent', email: 'ana@example.com' })
  })

  it('says what is missing, sends nothing, and clears a problem once its field is edited', async () => {
    const { leave, send } = setup()
    await leave.prepare({})
    await leave.submit()
    expect(leave.problems.value).toEqual(['email-missing', 'text-missing'])
    expect(send).not.toHaveBeenCalled()
    leave.setField('email', 'ana@example')
    expect(leave.problems.value).toEqual(['text-missing'])
    leave.setField('text', 'Call me back')
    await leave.submit()
    expect(leave.problems.value).toEqual(['email-invalid'])
    leave.setField('email', '  ana@example.com ')
    await leave.submit()
    // Trimmed, and no empty name.
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({ email: 'ana@example.com', text: 'Call me back' }),
    )
    expect(send.mock.calls[0]?.[0]).not.toHaveProperty('name')
    expect(send.mock.calls[0]?.[0]).not.toHaveProperty('conversationId')
  })

  it('tells a failure apart and lets the visitor try again', async () => {
    const send = vi
      .fn<(body: MessageLeftBody) => Promise<void>>()
      .mockRejectedValueOnce(new NetworkFailure('POST', url, 'network error'))
      .mockRejectedValueOnce(http(429))
      .mockRejectedValueOnce(http(503))
      .mockRejectedValueOnce(http(400))
      .mockResolvedValueOnce()
    const { leave } = setup({ send })
    await leave.prepare({ email: 'ana@example.com', text: 'Hi' })
    const outcomes = []
    for (let i = 0; i < 5; i++) {
      await leave.submit()
      outcomes.push(leave.status.value)
    }
    expect(outcomes).toEqual([
      { name: 'failed', reason: 'offline' },
      { name: 'failed', reason: 'busy' },
      { name: 'failed', reason: 'busy' },
      { name: 'failed', reason: 'rejected' },
      { name: 'sent', email: 'ana@example.com' },
    ])
    // What the visitor wrote survives every failure.
    expect(leave.text.value).toBe('Hi')
  })

  it('sends the page’s CAPTCHA token, asked anew for each try, and lets a refused one be tried again', async () => {
    const tokens = ['first-token', 'second-token']
    const captchaRefused = new HttpFailure(
      'POST',
      url,
      403,
      'FORBIDDEN',
      undefined,
      'The verification failed; please try again',
      'captcha',
    )
    const send = vi
      .fn<(body: MessageLeftBody) => Promise<void>>()
      .mockRejectedValueOnce(captchaRefused)
      .mockResolvedValueOnce()
    const { leave } = setup({
      send,
      context: async () => ({ department: 2, captcha: tokens.shift() ?? '' }),
    })
    await leave.prepare({ email: 'ana@example.com', text: 'Hi' })
    await leave.submit()
    // Not "leaving a message is off": the visitor may solve the check again.
    expect(leave.status.value).toEqual({ name: 'failed', reason: 'rejected' })
    await leave.submit()
    expect(leave.status.value).toEqual({ name: 'sent', email: 'ana@example.com' })
    expect(send.mock.calls.map(([body]) => body.captcha)).toEqual(['first-token', 'second-token'])
  })

  it('shows only the notice when the proxy does not take messages', async () => {
    const { leave, send } = setup({ enabled: async () => false })
    // The form shows while the proxy is asked (it almost always takes messages)...
    const asking = leave.prepare({ text: 'Hi' })
    expect(leave.status.value).toEqual({ name: 'editing' })
    // ...and goes once it says no.
    await asking
    expect(leave.status.value).toEqual({ name: 'off' })
    await leave.submit()
    expect(send).not.toHaveBeenCalled()
    // The next time, at once.
    void leave.prepare({ text: 'Again' })
    expect(leave.status.value).toEqual({ name: 'off' })
  })

  it('offers the form when the proxy cannot say, and gives up on it when sending answers 404', async () => {
    const enabled = vi.fn(async () => {
      throw new NetworkFailure('GET', url, 'network error')
    })
    const { leave } = setup({ enabled, send: async () => Promise.reject(http(404)) })
    await leave.prepare({ email: 'ana@example.com', text: 'Hi' })
    expect(leave.status.value).toEqual({ name: 'editing' })
    await leave.submit()
    expect(leave.status.value).toEqual({ name: 'off' })
    // Asked once per page.
    await leave.prepare({})
    expect(enabled).toHaveBeenCalledOnce()
  })

  it('starts afresh for the next chat that finds no agent, keeping the visitor’s details', async () => {
    const { leave } = setup()
    await leave.prepare({ text: 'First' })
    leave.setField('name', 'Ana')
    leave.setField('email', 'ana@example.com')
    await leave.submit()
    expect(leave.status.value.name).toBe('sent')
    await leave.prepare({ name: 'Someone else', text: 'Second' })
    expect(leave.status.value).toEqual({ name: 'editing' })
    expect([leave.name.value, leave.email.value, leave.text.value]).toEqual([
      'Ana',
      'ana@example.com',
      'Second',
    ])
  })
})
