/**
 * The chat window: a dialog named after the widget's title, non-modal except full screen on a phone. Escape minimizes (or cancels
 * the end-chat question, or removes a file waiting to be sent); opening from the launcher moves focus
 * to the message box. A file dropped on it is attached. The pre-chat form, the end of a chat and the
 * file preview are parts loaded when needed (chat/parts.ts).
 */
import type { ReadonlySignal } from '@preact/signals'
import type { ComponentType } from 'preact'
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks'
import { attachmentPart, choicePart, endingPart, prechatPart } from '../chat/parts.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'
import { AlertLine } from './AlertLine.tsx'
import { ChatHeader } from './ChatHeader.tsx'
import { Composer } from './Composer.tsx'
import { FailureNotice } from './FailureNotice.tsx'
import { useFileDrop } from './file-drop.ts'
import { MessageList } from './MessageList.tsx'
import { PartSlot } from './PartSlot.tsx'
import { StatusLine } from './StatusLine.tsx'

type Props = {
  model: ConversationModel
  /** What shows when no agent can chat, once its chunk is loaded (chat/unavailable-part.tsx). */
  unavailable: ReadonlySignal<ComponentType<{ reason: 'no-agents' | 'closed' }> | null>
  /** `data-title` and `data-greeting`, read by the chat (chat/site-options.ts) and the loader. */
  options: { title?: string | undefined; greeting?: string | undefined }
  /** Full screen on a phone: a modal that keeps focus inside (chat/phone-modal.ts). */
  modal: ReadonlySignal<boolean>
  /** Bumped each time the visitor opens the window and focus should move into it. */
  focusRequest: ReadonlySignal<number>
  onClose: () => void
}

export function ChatWindow({ model, unavailable, options, modal, focusRequest, onClose }: Props) {
  const Unavailable = unavailable.value
  const title = options.title ?? t.title
  const dialog = useRef<HTMLDivElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  const phase = model.phase.value
  const request = focusRequest.value
  const drop = useFileDrop(model.attachment, model.composable.value)

  const focusFirst = () =>
    (
      input.current ??
      dialog.current?.querySelector<HTMLElement>('.zc-panel-body button, .zc-form input')
    )?.focus()

  useEffect(() => {
    if (request > 0) focusFirst()
  }, [request])

  const cancelEnd = () => {
    model.cancelEnd()
    focusFirst()
  }

  // The focused control may have gone with the old phase (the composer, once the chat ends) or with
  // the end-chat question ("Yes, end chat", even when ending fails): without this, focus would fall
  // back to the host page's <body>. In the same commit, so that no key pressed before the next frame
  // is lost on the page.
  useLayoutEffect(() => {
    if (request > 0 && document.activeElement === document.body) focusFirst()
  }, [phase.name, model.confirmingEnd.value])

  return (
    <div
      ref={dialog}
      class="zc-window"
      role="dialog"
      aria-label={title}
      aria-modal={modal.value ? 'true' : undefined}
      tabIndex={-1}
      {...drop.handlers}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return
        e.stopPropagation()
        if (model.confirmingEnd.value) cancelEnd()
        else if (model.attachment.staged.value) model.attachment.remove()
        else onClose()
      }}
    >
      <ChatHeader title={title} model={model} onMinimize={onClose} />
      {model.confirmingEnd.value && (
        <PartSlot part={endingPart}>
          {({ EndChatConfirm }) => <EndChatConfirm model={model} onCancel={cancelEnd} />}
        </PartSlot>
      )}
      <MessageList model={model} greeting={options.greeting} />
      <StatusLine model={model} />
      <AlertLine model={model} />
      {(phase.name === 'prechat' ? model.prechat.settings.choice : model.answeredOn.value) && (
        <PartSlot part={choicePart}>{({ ChoicePanel }) => <ChoicePanel model={model} />}</PartSlot>
      )}
      {phase.name === 'prechat' && (
        <PartSlot part={prechatPart}>{({ PrechatForm }) => <PrechatForm model={model} />}</PartSlot>
      )}
      {model.composable.value && <Composer model={model} inputRef={input} />}
      {(phase.name === 'finished' || phase.name === 'rating' || phase.name === 'rated') && (
        <PartSlot part={endingPart} placeholder={<div class="zc-panel-body" aria-busy="true" />}>
          {({ ChatEnded }) => <ChatEnded model={model} />}
        </PartSlot>
      )}
      {phase.name === 'unavailable' && Unavailable && <Unavailable reason={phase.reason} />}
      {phase.name === 'failed' && (
        <FailureNotice model={model} reason={phase.reason} retryable={phase.retryable} />
      )}
      {drop.over && <PartSlot part={attachmentPart}>{({ DropHint }) => <DropHint />}</PartSlot>}
    </div>
  )
}
