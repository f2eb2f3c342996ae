/**
 * The sentences of a chat's end (the end-chat question, the rating) in every language. They travel
 * with the part that shows them (chat/ending-part.tsx, fetched once a conversation is under way),
 * not with the chat that opens.
 */
import type { Locale } from './locale.ts'
import { lang } from './text.ts'

const en = {
  endQuestion: 'End this chat?',
  confirmEnd: 'Yes, end chat',
  ended: 'The chat has ended',
  rate: 'Rate this chat',
  good: 'Good',
  bad: 'Bad',
  comment: 'Comment (optional)',
  sendRating: 'Send rating',
  ratingFailed: "We couldn't send your rating. Please try again.",
  ratingRefused: 'Your rating could not be recorded.',
  thanksRating: 'Thanks for your feedback',
}

export type EndingText = typeof en

const tables: Record<Locale, EndingText> = {
  en,
  'pt-BR': {
    endQuestion: 'Encerrar esta conversa?',
    confirmEnd: 'Sim, encerrar',
    ended: 'A conversa foi encerrada',
    rate: 'Avalie esta conversa',
    good: 'Boa',
    bad: 'Ruim',
    comment: 'Comentário (opcional)',
    sendRating: 'Enviar avaliação',
    ratingFailed: 'Não conseguimos enviar sua avaliação. Tente de novo.',
    ratingRefused: 'Não foi possível registrar sua avaliação.',
    thanksRating: 'Obrigado pela sua avaliação',
  },
  es: {
    endQuestion: '¿Terminar este chat?',
    confirmEnd: 'Sí, terminar',
    ended: 'El chat ha terminado',
    rate: 'Valora este chat',
    good: 'Bien',
    bad: 'Mal',
    comment: 'Comentario (opcional)',
    sendRating: 'Enviar valoración',
    ratingFailed: 'No pudimos enviar tu valoración. Inténtalo de nuevo.',
    ratingRefused: 'No se pudo registrar tu valoración.',
    thanksRating: 'Gracias por tu opinión',
  },
}

/** The sentences for the chat's language. */
export const endingText = (): EndingText => tables[lang]
