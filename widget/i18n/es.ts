/** Spanish: its own chunk, loaded before the chat renders on an es page. */
import type { Forms, Messages } from './en.ts'

const chars = { one: 'carácter', other: 'caracteres' }

/** Given the language's plural rule (i18n/text.ts), so this part imports nothing from the chat. */
export function messages(plural: (n: number, forms: Forms) => string): Messages {
  const one = (n: number, forms: Forms) => `${n} ${plural(n, forms)}`
  return {
    title: 'Chatea con nosotros',
    minimize: 'Minimizar',
    endChat: 'Terminar chat',
    cancel: 'Cancelar',
    messages: 'Mensajes',
    message: 'Mensaje',
    placeholder: 'Escribe un mensaje…',
    send: 'Enviar',
    charsLeft: (n) => `${plural(n, { one: 'Queda', other: 'Quedan' })} ${one(n, chars)}`,
    charsOver: (n) => `${one(n, chars)} por encima del límite`,
    attach: 'Adjuntar un archivo',
    offlineQueued: 'Estás sin conexión; lo enviaremos cuando vuelvas.',
    waitSeconds: (n) =>
      `Demasiados mensajes a la vez. Espera ${one(n, { one: 'segundo', other: 'segundos' })} y pulsa Reintentar.`,
    couldNotSend: 'No se pudo enviar. Reintenta.',
    refused: {
      'file-gone': 'Este archivo ya no está disponible. Adjúntalo de nuevo.',
      refused: 'Este mensaje no se puede enviar así.',
      declined: 'El servicio de chat no aceptó este mensaje. Puedes escribir de nuevo.',
    },
    endFailed: 'No pudimos terminar el chat. Inténtalo de nuevo.',
    tooLong: (max) => `Tu mensaje es demasiado largo: ${max} caracteres como máximo.`,
    crashed: 'Lo sentimos, el chat dejó de funcionar. Recarga la página.',
    partFailed: 'Esta parte del chat no se cargó. Revisa tu conexión.',
    startNew: 'Empezar un chat nuevo',
    tryAgain: 'Intentar de nuevo',
    failure: {
      offline: 'No pudimos conectar con el chat. Revisa tu conexión e inténtalo de nuevo.',
      busy: 'El chat está muy ocupado ahora. Espera un momento e inténtalo de nuevo.',
      rejected: 'Lo sentimos, no pudimos empezar el chat.',
      gone: 'Este chat terminó o caducó.',
    },
    delivery: {
      sending: 'Enviando…',
      sent: 'Enviado',
      failed: 'No enviado',
      refused: 'No enviado',
    },
    retry: 'Reintentar',
    remove: 'Quitar',
    youSaid: 'Tú: ',
    agentSaid: 'Agente: ',
    theAgent: 'el agente',
    you: 'ti',
    joined: (name) => `${name} se unió al chat`,
    agentJoined: 'Un agente se unió al chat',
    earlierLost: 'No se pudieron recuperar algunos mensajes anteriores.',
    kinds: { image: 'Imagen', video: 'Vídeo', audio: 'Audio', file: 'Archivo' },
    connecting: 'Conectando…',
    reconnecting: 'Conexión perdida. Reconectando…',
    waiting: 'Esperando a un agente…',
    queue: (n) =>
      `Eres el número ${n} en la cola${n > 1 ? ` (${one(n - 1, { one: 'persona', other: 'personas' })} antes que tú)` : ''}`,
    fields: { name: 'Nombre', email: 'Correo electrónico', phone: 'Teléfono', cpf: 'CPF' },
    prechat: {
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
}
