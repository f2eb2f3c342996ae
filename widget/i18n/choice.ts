/**
 * The sentences of the site's choice (conversation/choice.ts) in every language: the department,
 * where the agent answers, and what the window says once that is the visitor's phone. They travel
 * with the pre-chat part, which shows them.
 */
import type { Locale } from './locale.ts'
import { lang } from './text.ts'

type Phone = (phone: string) => string

const en = {
  departmentLegend: 'Who would you like to talk to?',
  departmentMissing: 'Please choose who you would like to talk to.',
  closedNow: 'closed now',
  channelLegend: 'Where should we answer you?',
  channels: { web: 'Here in the chat', whatsapp: 'Continue on WhatsApp', sms: 'Continue by SMS' },
  phoneFor: { whatsapp: 'Your WhatsApp number', sms: 'Your mobile number' },
  // As the pre-chat phone's (prechat.ts): that part may not be loaded.
  phone: {
    missing: 'Please enter your phone number.',
    invalid: 'Please enter a Brazilian phone number with its area code, like (11) 91234-5678.',
  },
  answeredOn: {
    whatsapp: ((phone) => `We'll answer on your WhatsApp ${phone}.`) as Phone,
    sms: ((phone) => `We'll answer by SMS at ${phone}.`) as Phone,
  },
  chatHere: 'Chat here instead',
}

export type ChoiceText = typeof en

const tables: Record<Locale, ChoiceText> = {
  en,
  'pt-BR': {
    departmentLegend: 'Com quem você quer falar?',
    departmentMissing: 'Escolha com quem você quer falar.',
    closedNow: 'fechado agora',
    channelLegend: 'Onde devemos responder?',
    channels: { web: 'Aqui no chat', whatsapp: 'Continuar no WhatsApp', sms: 'Continuar por SMS' },
    phoneFor: { whatsapp: 'Seu número de WhatsApp', sms: 'Seu celular' },
    phone: {
      missing: 'Informe seu telefone.',
      invalid: 'Informe um telefone brasileiro com DDD, como (11) 91234-5678.',
    },
    answeredOn: {
      whatsapp: (phone) => `Vamos responder no seu WhatsApp ${phone}.`,
      sms: (phone) => `Vamos responder por SMS no ${phone}.`,
    },
    chatHere: 'Conversar aqui no chat',
  },
  es: {
    departmentLegend: '¿Con quién quieres hablar?',
    departmentMissing: 'Elige con quién quieres hablar.',
    closedNow: 'cerrado ahora',
    channelLegend: '¿Dónde te respondemos?',
    channels: {
      web: 'Aquí en el chat',
      whatsapp: 'Continuar en WhatsApp',
      sms: 'Continuar por SMS',
    },
    phoneFor: { whatsapp: 'Tu número de WhatsApp', sms: 'Tu celular' },
    phone: {
      missing: 'Escribe tu teléfono.',
      invalid: 'Escribe un teléfono brasileño con su código de área, como (11) 91234-5678.',
    },
    answeredOn: {
      whatsapp: (phone) => `Te responderemos en tu WhatsApp ${phone}.`,
      sms: (phone) => `Te responderemos por SMS al ${phone}.`,
    },
    chatHere: 'Chatear aquí',
  },
}

/** The sentences for the chat's language. */
export const choiceText = (): ChoiceText => tables[lang]

/** `11991417777` -> `+55 11 99141-7777`: the phone as the visitor wrote it, in one shape. */
export function formatPhone(digits: string): string {
  return /^\d{10,11}$/.test(digits)
    ? `+55 ${digits.slice(0, 2)} ${digits.slice(2, -4)}-${digits.slice(-4)}`
    : digits
}
