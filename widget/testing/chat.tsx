/**
 * The chat as a visitor meets it in a component test: a real conversation model over the fake
 * transport (the proxy's edge, `emit()` pushes its events), rendered into happy-dom with
 * @testing-library/preact. Files that import this run in happy-dom (`// @vitest-environment happy-dom`).
 */
import { signal } from '@preact/signals'
import { cleanup, render } from '@testing-library/preact'
import type { ComponentType } from 'preact'
import { afterEach, expect, vi } from 'vitest'
import { attachmentPart, choicePart, endingPart, prechatPart } from '../chat/parts.ts'
import { type ConversationDeps, createConversationModel } from '../conversation/model.ts'
import { loadLanguage } from '../i18n/text.ts'
import { ChatWindow } from '../ui/ChatWindow.tsx'
import { createFakeTransport, memorySessionStore } from './fakes.ts'

// The lazily loaded parts (chat/parts.ts) are there before any test renders, as mount.tsx prefetches
// them before a visitor can reach them; chat/parts.test.tsx covers a part still loading or failed.
await Promise.all([prechatPart.load(), endingPart.load(), attachmentPart.load(), choicePart.load()])

// Vitest has no globals here, so testing-library cannot register its own cleanup.
afterEach(async () => {
  cleanup()
  await loadLanguage('en')
})

export function createChat(overrides: Partial<ConversationDeps> = {}) {
  const fake = createFakeTransport()
  let n = 0
  const model = createConversationModel({
    transport: fake.transport,
    session: memorySessionStore(),
    startContext: () => ({ department: 1 }),
    newClientId: () => `client-${++n}`,
    ...overrides,
  })
  model.restore()
  return { model, fake }
}

/** Let the model's pending promises settle (the fake transport answers in a microtask). */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** A conversation an agent has accepted: `Hello` sent and delivered. */
export async function createChatting(overrides: Partial<ConversationDeps> = {}) {
  const chat = createChat(overrides)
  chat.model.setDraft('Hello')
  chat.model.send()
  await vi.waitFor(() => expect(chat.fake.transport.subscribe).toHaveBeenCalled())
  chat.fake.accept('Hello')
  return chat
}

type Chat = ReturnType<typeof createChat>

/** The whole window, as mount.tsx renders it. */
export function renderWindow(
  { model }: Pick<Chat, 'model'>,
  options: { title?: string; greeting?: string } = {},
  unavailable: ComponentType<{ reason: 'no-agents' | 'closed' }> | null = null,
) {
  const focusRequest = signal(1)
  const onClose = vi.fn()
  const view = render(
    <ChatWindow
      model={model}
      unavailable={signal(unavailable)}
      options={options}
      modal={signal(false)}
      focusRequest={focusRequest}
      onClose={onClose}
    />,
  )
  return { ...view, onClose, focusRequest }
}
