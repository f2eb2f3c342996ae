/**
 * The sentences of a chat's end (the end-chat question, the rating, the visitor's record: the
 * downloaded conversation, the transcript by e-mail, the erasure) in every language. They travel
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
  download: 'Download the conversation',
  fileName: 'chat',
  fileHeading: (site: string) => `Chat on ${site}`,
  savedAt: (when: string, zone: string) => `Saved ${when} (${zone} time)`,
  emailTranscript: 'Email me the transcript',
  emailSent: (email: string) => `We'll send the transcript to ${email}.`,
  emailInvalid: 'Please enter a valid email address.',
  emailFailed: "We couldn't send the transcript. Please try again.",
  deleteData: 'Delete my data',
  deleteQuestion: 'Delete this conversation and your files? This cannot be undone.',
  confirmDelete: 'Yes, delete',
  deleteFailed: "We couldn't delete your data. Please try again.",
  deleted: 'Your data was deleted',
  deletedWhat:
    "This conversation's messages and files were deleted from this site's chat server and from this browser.",
  notDeleted:
    'The chat service (Zenvia) keeps its own record of the conversation, which cannot be deleted here.',
  askPrivacy: 'To have it deleted too, write to this site:',
  privacyContact: 'privacy contact',
  askSite: "To have it deleted too, write to this site's owner.",
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
    download: 'Baixar a conversa',
    fileName: 'conversa',
    fileHeading: (site) => `Conversa em ${site}`,
    savedAt: (when, zone) => `Salva em ${when} (horário de ${zone})`,
    emailTranscript: 'Receber a conversa por e-mail',
    emailSent: (email) => `Enviaremos a conversa para ${email}.`,
    emailInvalid: 'Informe um e-mail válido.',
    emailFailed: 'Não conseguimos enviar a conversa. Tente de novo.',
    deleteData: 'Apagar meus dados',
    deleteQuestion: 'Apagar esta conversa e seus arquivos? Isso não pode ser desfeito.',
    confirmDelete: 'Sim, apagar',
    deleteFailed: 'Não conseguimos apagar seus dados. Tente de novo.',
    deleted: 'Seus dados foram apagados',
    deletedWhat:
      'As mensagens e os arquivos desta conversa foram apagados do servidor de chat deste site e deste navegador.',
    notDeleted:
      'O serviço de atendimento (Zenvia) mantém o próprio registro da conversa, que não pode ser apagado aqui.',
    askPrivacy: 'Para apagá-lo também, escreva para este site:',
    privacyContact: 'contato de privacidade',
    askSite: 'Para apagá-lo também, escreva para o responsável por este site.',
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
    download: 'Descargar la conversación',
    fileName: 'conversacion',
    fileHeading: (site) => `Chat en ${site}`,
    savedAt: (when, zone) => `Guardado el ${when} (hora de ${zone})`,
    emailTranscript: 'Enviarme la conversación por correo',
    emailSent: (email) => `Enviaremos la conversación a ${email}.`,
    emailInvalid: 'Escribe un correo válido.',
    emailFailed: 'No pudimos enviar la conversación. Inténtalo de nuevo.',
    deleteData: 'Borrar mis datos',
    deleteQuestion: '¿Borrar esta conversación y tus archivos? No se puede deshacer.',
    confirmDelete: 'Sí, borrar',
    deleteFailed: 'No pudimos borrar tus datos. Inténtalo de nuevo.',
    deleted: 'Tus datos se borraron',
    deletedWhat:
      'Los mensajes y archivos de esta conversación se borraron del servidor de chat de este sitio y de este navegador.',
    notDeleted:
      'El servicio de atención (Zenvia) guarda su propio registro de la conversación, que no se puede borrar aquí.',
    askPrivacy: 'Para borrarlo también, escribe a este sitio:',
    privacyContact: 'contacto de privacidad',
    askSite: 'Para borrarlo también, escribe al responsable de este sitio.',
  },
}

/** The sentences for the chat's language. */
export const endingText = (): EndingText => tables[lang]
