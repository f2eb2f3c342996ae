import { signal } from '@preact/signals'
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert, ConversationModel, SendProblem } from '../conversation/model.ts'
import { loadLanguage } from '../i18n/text.ts'
import { renderTree, textOf } from '../testing/tree.ts'
import { AlertLine } from './AlertLine.tsx'

afterEach(() => loadLanguage('en'))

function say(problem: SendProblem | null, alert: Alert | null = null) {
  const model = { alert: signal(alert), sendProblem: signal(problem) }
  const tree = renderTree(AlertLine({ model: model as unknown as ConversationModel }))
  return { text: textOf(tree), role: typeof tree[0] === 'object' ? tree[0].props.role : undefined }
}

describe('AlertLine', () => {
  it('says what happened to a message that was not sent, as an alert', () => {
    expect(say({ kind: 'offline' })).toEqual({
      text: 'You are offline; we will send when you are back.',
      role: 'alert',
    })
    expect(say({ kind: 'busy', seconds: 1 }).text).toBe(
      'Too many messages at once. Please wait 1 second, then Retry.',
    )
    expect(say({ kind: 'busy', seconds: 8 }).text).toBe(
      'Too many messages at once. Please wait 8 seconds, then Retry.',
    )
    expect(say({ kind: 'error' }).text).toBe('Could not send. Retry.')
    expect(say(null).text).toBe('')
  })

  it('puts the end-chat failure first, and speaks the page’s language', async () => {
    expect(say({ kind: 'error' }, 'end-failed').text).toBe(
      "We couldn't end the chat. Please try again.",
    )
    await loadLanguage('pt-BR')
    expect(say({ kind: 'offline' }).text).toBe(
      'Você está sem conexão; enviaremos quando ela voltar.',
    )
    expect(say(null, 'too-long').text).toBe(
      'Sua mensagem é longa demais: no máximo 4.000 caracteres.',
    )
  })
})
