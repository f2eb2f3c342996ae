import { afterEach, describe, expect, it } from 'vitest'
import { attachmentText } from './attachment.ts'
import { choiceText } from './choice.ts'
import { en } from './en.ts'
import { endingText } from './ending.ts'
import { leaveText } from './leave-message.ts'
import { liveText } from './live.ts'
import { lang, loadLanguage, t } from './text.ts'

afterEach(() => loadLanguage('en'))

/** A language's sentences as the chat gets them: loaded, with the language's plural rule. */
async function language(locale: 'pt-BR' | 'es') {
  await loadLanguage(locale)
  return t
}

/** Every leaf sentence of a table, functions called with sample arguments, by its key path. */
function sentences(table: object, path = ''): [string, string][] {
  return Object.entries(table).flatMap(([key, value]): [string, string][] => {
    const at = `${path}${key}`
    if (typeof value === 'string') return [[at, value]]
    if (typeof value === 'function') return [[at, String(value('2', 'x'))]]
    return sentences(value as object, `${at}.`)
  })
}

describe('the languages', () => {
  it('say every English sentence in Portuguese and Spanish too, differently', async () => {
    const english = new Map(sentences(en))
    for (const table of [await language('pt-BR'), await language('es')]) {
      const keys = sentences(table).map(([key]) => key)
      expect(keys).toEqual([...english.keys()])
      // Only words that are the same in both languages: an untranslated sentence fails here.
      const same = sentences(table).filter(([key, text]) => text === english.get(key))
      for (const [key] of same)
        expect([
          'fields.cpf',
          'kinds.audio',
          'prechat.consentNotice.1',
          'prechat.consentLabel.1',
        ]).toContain(key)
    }
  })

  it('say the leave-a-message form in every language too', async () => {
    const english = new Map(sentences(leaveText()))
    for (const locale of ['pt-BR', 'es'] as const) {
      await loadLanguage(locale)
      const table = sentences(leaveText())
      expect(table.map(([key]) => key)).toEqual([...english.keys()])
      expect(table.filter(([key, text]) => text === english.get(key))).toEqual([])
    }
  })

  it('say the sentences of each lazily loaded part in every language too', async () => {
    const parts = { choiceText, endingText, attachmentText, liveText }
    for (const [name, text] of Object.entries(parts)) {
      await loadLanguage('en')
      const english = new Map(sentences(text()))
      for (const locale of ['pt-BR', 'es'] as const) {
        await loadLanguage(locale)
        const table = sentences(text())
        expect(table.map(([key]) => `${name}.${key}`)).toEqual(
          [...english.keys()].map((key) => `${name}.${key}`),
        )
        const same = table.filter(([key, text]) => text === english.get(key)).map(([key]) => key)
        expect(same).toEqual([])
      }
    }
  })

  it('count with each language’s plural forms', async () => {
    expect(en.charsLeft(1)).toBe('1 character left')
    expect(en.charsLeft(5)).toBe('5 characters left')
    const ptBR = await language('pt-BR')
    const es = await language('es')
    expect(ptBR.charsLeft(1)).toBe('Resta 1 caractere')
    expect(ptBR.charsLeft(2)).toBe('Restam 2 caracteres')
    expect(es.charsOver(1)).toBe('1 carácter por encima del límite')
    expect(es.charsOver(3)).toBe('3 caracteres por encima del límite')
  })

  it('tell the queue position, and how many people are ahead', async () => {
    const ptBR = await language('pt-BR')
    const es = await language('es')
    expect(en.queue(1)).toBe('You are number 1 in the queue')
    expect(en.queue(2)).toBe('You are number 2 in the queue (1 person ahead of you)')
    expect(en.queue(4)).toBe('You are number 4 in the queue (3 people ahead of you)')
    expect(ptBR.queue(2)).toBe('Você é o número 2 na fila (1 pessoa antes de você)')
    expect(ptBR.queue(3)).toBe('Você é o número 3 na fila (2 pessoas antes de você)')
    expect(es.queue(3)).toBe('Eres el número 3 en la cola (2 personas antes que tú)')
  })

  it('loads a language before use, and English without a chunk', async () => {
    await loadLanguage('pt-BR')
    expect([lang, t.send]).toEqual(['pt-BR', 'Enviar'])
    await loadLanguage('es')
    expect([lang, t.send]).toEqual(['es', 'Enviar'])
    expect(t.endChat).toBe('Terminar chat')
    await loadLanguage('en')
    expect([lang, t.send]).toEqual(['en', 'Send'])
  })
})
