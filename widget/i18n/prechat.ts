/**
 * The pre-chat form's sentences in every language. They travel with the part that shows them
 * (chat/prechat-part.tsx, loaded only when a new conversation can begin), not with the chat that
 * opens.
 */
import type { Locale } from './locale.ts'
import { lang } from './text.ts'

const en = {
  prechatRequired: 'Tell us who you are, then write your message below.',
  prechatOptional: 'Tell us who you are (optional), then write your message below.',
  requiredHint: 'Fields marked * are required.',
  orLeaveEmpty: ' Or leave it empty.',
  problems: {
    name: { missing: 'Please enter your name.', invalid: 'Please enter your name.' },
    email: {
      missing: 'Please enter your email address.',
      invalid: 'Please enter a valid email address, like name@example.com.',
    },
    phone: {
      missing: 'Please enter your phone number.',
      invalid: 'Please enter a Brazilian phone number with its area code, like (11) 91234-5678.',
    },
    cpf: {
      missing: 'Please enter your CPF.',
      invalid: 'This CPF is not valid. Please check its 11 digits.',
    },
  },
  privacyPolicy: 'privacy policy',
  /** Around the privacy-policy link: [before, after]. */
  consentNotice: ['By chatting with us, you agree to our ', '.'],
  consentLabel: ['I agree to the ', ''],
  consentMissing: 'Please agree to the privacy policy to start the chat.',
}

export type PrechatText = typeof en

const tables: Record<Locale, PrechatText> = {
  en,
  'pt-BR': {
    prechatRequired: 'Diga quem você é e escreva sua mensagem abaixo.',
    prechatOptional: 'Diga quem você é (opcional) e escreva sua mensagem abaixo.',
    requiredHint: 'Campos marcados com * são obrigatórios.',
    orLeaveEmpty: ' Ou deixe em branco.',
    problems: {
      name: { missing: 'Informe seu nome.', invalid: 'Informe seu nome.' },
      email: {
        missing: 'Informe seu e-mail.',
        invalid: 'Informe um e-mail válido, como nome@exemplo.com.br.',
      },
      phone: {
        missing: 'Informe seu telefone.',
        invalid: 'Informe um telefone brasileiro com DDD, como (11) 91234-5678.',
      },
      cpf: {
        missing: 'Informe seu CPF.',
        invalid: 'Este CPF não é válido. Confira os 11 dígitos.',
      },
    },
    privacyPolicy: 'política de privacidade',
    consentNotice: ['Ao conversar conosco, você concorda com a nossa ', '.'],
    consentLabel: ['Concordo com a ', ''],
    consentMissing: 'Aceite a política de privacidade para iniciar a conversa.',
  },
  es: {
    prechatRequired: 'Dinos quién eres y escribe tu mensaje abajo.',
    prechatOptional: 'Dinos quién eres (opcional) y escribe tu mensaje abajo.',
    requiredHint: 'Los campos marcados con * son obligatorios.',
    orLeaveEmpty: ' O déjalo vacío.',
    problems: {
      name: { missing: 'Escribe tu nombre.', invalid: 'Escribe tu nombre.' },
      email: {
        missing: 'Escribe tu correo electrónico.',
        invalid: 'Escribe un correo válido, como nombre@ejemplo.com.',
      },
      phone: {
        missing: 'Escribe tu teléfono.',
        invalid: 'Escribe un teléfono brasileño con su código de área, como (11) 91234-5678.',
      },
      cpf: {
        missing: 'Escribe tu CPF.',
        invalid: 'Este CPF no es válido. Revisa sus 11 dígitos.',
      },
    },
    privacyPolicy: 'política de privacidad',
    consentNotice: ['Al chatear con nosotros, aceptas nuestra ', '.'],
    consentLabel: ['Acepto la ', ''],
    consentMissing: 'Acepta la política de privacidad para empezar el chat.',
  },
}

/** The sentences for the chat's language. */
export const prechatText = (): PrechatText => tables[lang]
