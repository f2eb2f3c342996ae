/**
 * What the window shows when no agent can chat (zChat found none, or the site is closed): the
 * leave-a-message form and its model. Loaded only when that happens, so the chat that opens stays
 * small.
 */
import { effect, untracked } from '@preact/signals'
import type { ComponentType } from 'preact'
import {
  createLeaveMessage,
  type LeaveMessageDeps,
  visitorWords,
} from '../conversation/leave-message.ts'
import type { ConversationModel } from '../conversation/model.ts'
import type { Transport } from '../conversation/ports.ts'
import { Unavailable } from '../ui/Unavailable.tsx'

export type UnavailablePartDeps = {
  model: ConversationModel
  transport: Pick<Transport, 'leaveMessage' | 'config'>
  context: LeaveMessageDeps['context']
  conversationId: () => string | undefined
  /** The site's hours, as shown to the visitor, once they are read. */
  openingHours: string | undefined
}

export type UnavailableView = ComponentType<{ reason: 'no-agents' | 'closed' }>

export function createUnavailablePart({
  model,
  transport,
  context,
  conversationId,
  openingHours,
}: UnavailablePartDeps): UnavailableView {
  // With the site's choice (conversation/choice.ts), the department chosen.
  const choice = model.prechat.choice.peek()
  const leave = createLeaveMessage({
    send: transport.leaveMessage,
    enabled: () => transport.config().then((config) => config.leaveMessage !== false),
    context: () => {
      const department = choice?.chosenDepartment()
      return { ...context(), ...(department && { department }) }
    },
    ...(openingHours && { openingHours }),
  })
  // Each time no agent can chat, the form starts with what the visitor already told us.
  effect(() => {
    if (model.phase.value.name !== 'unavailable') return
    untracked(() => {
      const { name, email } = model.profile.value
      void leave.prepare({
        name,
        email,
        text: visitorWords(model.transcript.value),
        conversationId: conversationId(),
      })
    })
  })
  return ({ reason }) => <Unavailable model={model} leave={leave} reason={reason} />
}
