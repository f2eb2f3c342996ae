/**
 * The leave-a-message form's sentences in every language. They travel with the part that shows them
 * (chat/unavailable-part.tsx, loaded only when no agent can chat), not with the chat that opens.
 */
import type { Locale } from './locale.ts'
import { lang } from './text.ts'

const en = {
  closedNow: (hours: string) =>
    `We're closed right now.${hours ? ` Our opening hours: ${hours}.` : ''}`,
  noAgents: 'No agents are available right now.',
  tryLater: 'Please try again later.',
  thanksLeft: (email: string) => `Thanks — we'll reply by e-mail to ${email}`,
  leaveIntro: "Leave a message and we'll reply by e-mail.",
  leaveMessage: 'Leave a message',
  nameOptional: 'Name (optional)',
  sendMessage: 'Send message',
  leaveProblems: {
    'email-missing': 'Please enter your email address, so we can reply.',
    'email-invalid': 'Please enter a valid email address.',
    'text-missing': 'Please write your message.',
    'text-too-long': (max: string) => `Please shorten your message to ${max} characters.`,
  },
  leaveFailure: {
    offline: "We couldn't send your message. Please check your connection and try again.",
    busy: "We're receiving a lot of messages right now. Please wait a minute and try again.",
    rejected: "Sorry, we couldn't send your message. Please check it and try again.",
  },
}

export type LeaveMessageText = typeof en

const tables: Record<Locale, LeaveMessageText> = {
  en,
  'pt-BR': {
    closedNow: (hours) =>
      `Estamos fechados agora.${hours ? ` Nosso horário de atendimento: ${hours}.` : ''}`,
    noAgents: 'Nenhum atendente está disponível agora.',
    tryLater: 'Tente de novo mais tarde.',
    thanksLeft: (email) => `Obrigado — responderemos por e-mail para ${email}`,
    leaveIntro: 'Deixe uma mensagem e responderemos por e-mail.',
    leaveMessage: 'Deixar uma mensagem',
    nameOptional: 'Nome (opcional)',
    sendMessage: 'Enviar mensagem',
    leaveProblems: {
      'email-missing': 'Informe seu e-mail para podermos responder.',
      'email-invalid': 'Informe um e-mail válido.',
      'text-missing': 'Escreva sua mensagem.',
      'text-too-long': (max) => `Encurte sua mensagem para ${max} caracteres.`,
    },
    leaveFailure: {
      offline: 'Não conseguimos enviar sua mensagem. Verifique sua conexão e tente de novo.',
      busy: 'Estamos recebendo muitas mensagens agora. Aguarde um minuto e tente de novo.',
      rejected: 'Desculpe, não conseguimos enviar sua mensagem. Confira-a e tente de novo.',
    },
  },
  es: {
    closedNow: (hours) => `Ahora estamos cerrados.${hours ? ` Nuestro horario: ${hours}.` : ''}`,
    noAgents: 'No hay agentes disponibles ahora.',
    tryLater: 'Inténtalo de nuevo más tarde.',
    thanksLeft: (email) => `Gracias — responderemos por correo a ${email}`,
    leaveIntro: 'Deja un mensaje y te responderemos por correo.',
    leaveMessage: 'Dejar un mensaje',
    nameOptional: 'Nombre (opcional)',
    sendMessage: 'Enviar mensaje',
    leaveProblems: {
      'email-missing': 'Escribe tu correo electrónico para que podamos responderte.',
      'email-invalid': 'Escribe un correo válido.',
      'text-missing': 'Escribe tu mensaje.',
      'text-too-long': (max) => `Acorta tu mensaje a ${max} caracteres.`,
    },
    leaveFailure: {
      offline: 'No pudimos enviar tu mensaje. Revisa tu conexión e inténtalo de nuevo.',
      busy: 'Estamos recibiendo muchos mensajes ahora. Espera un minuto e inténtalo de nuevo.',
      rejected: 'Lo sentimos, no pudimos enviar tu mensaje. Revísalo e inténtalo de nuevo.',
    },
  },
}

/** The sentences for the chat's language. */
export const leaveText = (): LeaveMessageText => tables[lang]
