import { afterEach, describe, expect, it } from 'vitest'
import { createConversationModel } from '../conversation/model.ts'
import { defaultPrechat } from '../conversation/prechat.ts'
import { loadLanguage } from '../i18n/text.ts'
import { createFakeTransport, memorySessionStore } from '../testing/fakes.ts'
import { findAll, labelOf, renderTree, textOf } from '../testing/tree.ts'
import { Message } from './Message.tsx'
import { PrechatFields } from './PrechatForm.tsx'
import { QueueStatus } from './QueueStatus.tsx'

afterEach(() => loadLanguage('en'))

function prechatModel() {
  const model = createConversationModel({
    transport: createFakeTransport().transport,
    session: memorySessionStore(),
    startContext: () => ({}),
    newClientId: () => 'client-1',
    prechat: { ...defaultPrechat, privacyUrl: 'https://site.test/privacy' },
  })
  model.restore()
  return model
}

describe('the chat in the page’s language', () => {
  it('asks who the visitor is in Portuguese, the privacy link inside the sentence', async () => {
    await loadLanguage('pt-BR')
    const tree = renderTree(PrechatFields({ model: prechatModel() }))
    expect(textOf(findAll(tree, (e) => e.tag === 'legend'))).toBe(
      'Diga quem você é (opcional) e escreva sua mensagem abaixo.',
    )
    expect([labelOf(tree, 'zc-name'), labelOf(tree, 'zc-email')]).toEqual(['Nome', 'E-mail'])
    expect(textOf(findAll(tree, (e) => e.props.class === 'zc-hint'))).toBe(
      'Ao conversar conosco, você concorda com a nossa política de privacidade.',
    )
  })

  it('tells the queue position in Spanish', async () => {
    await loadLanguage('es')
    expect(textOf(renderTree(QueueStatus({ position: 3 })))).toBe(
      'Eres el número 3 en la cola (2 personas antes que tú)',
    )
    expect(textOf(renderTree(QueueStatus({ position: null })))).toBe('Esperando a un agente…')
  })

  it('marks a failed message "Não enviada" with Reenviar, and lets the text find its direction', async () => {
    await loadLanguage('pt-BR')
    const tree = renderTree(
      Message({
        entry: {
          kind: 'visitor',
          clientId: 'c1',
          text: 'مرحبا',
          at: '2026-01-02T15:04:00Z',
          delivery: 'failed',
        },
        onRetry: () => {},
        attachment: {} as never,
      }),
    )
    const text = findAll(tree, (e) => e.tag === 'span' && textOf(e) === 'مرحبا')[0]
    expect(text?.props.dir).toBe('auto')
    expect(textOf(tree)).toContain('Não enviada')
    expect(textOf(findAll(tree, (e) => e.tag === 'button'))).toBe('Reenviar')
    // The time through Intl for pt-BR: 24-hour clock (the zone is the machine's, so only the shape).
    expect(textOf(findAll(tree, (e) => e.tag === 'time'))).toMatch(/^\d\d:\d\d$/)
  })
})
