/**
 * The file preview's and the upload's sentences in every language. They travel with the part that
 * shows them (chat/attachment-part.tsx, fetched at the first file), not with the chat that opens.
 */
import type { Locale } from './locale.ts'
import { lang } from './text.ts'

const en = {
  fileToSend: 'File to send',
  attached: (name: string) => `Attached: ${name}`,
  /** The message box's label and placeholder while it is the caption of a file waiting to be sent. */
  message: 'Add a caption',
  placeholder: 'Add a caption…',
  remove: 'Remove',
  typeRefused: "This type of file can't be sent here.",
  tooBig: (size: string, max: string) => `This file is too big (${size}). The limit is ${max}.`,
  dropHere: 'Drop the file here to attach it',
  uploading: (name: string) => `Uploading ${name}`,
  cancelUploading: (name: string) => `Cancel uploading ${name}`,
}

export type AttachmentText = typeof en

const tables: Record<Locale, AttachmentText> = {
  en,
  'pt-BR': {
    fileToSend: 'Arquivo a enviar',
    attached: (name) => `Anexado: ${name}`,
    message: 'Adicione uma legenda',
    placeholder: 'Adicione uma legenda…',
    remove: 'Remover',
    typeRefused: 'Este tipo de arquivo não pode ser enviado aqui.',
    tooBig: (size, max) => `Este arquivo é grande demais (${size}). O limite é ${max}.`,
    dropHere: 'Solte o arquivo aqui para anexá-lo',
    uploading: (name) => `Enviando ${name}`,
    cancelUploading: (name) => `Cancelar o envio de ${name}`,
  },
  es: {
    fileToSend: 'Archivo para enviar',
    attached: (name) => `Adjunto: ${name}`,
    message: 'Añade un pie de foto',
    placeholder: 'Añade un pie de foto…',
    remove: 'Quitar',
    typeRefused: 'Este tipo de archivo no se puede enviar aquí.',
    tooBig: (size, max) => `Este archivo es demasiado grande (${size}). El límite es ${max}.`,
    dropHere: 'Suelta el archivo aquí para adjuntarlo',
    uploading: (name) => `Subiendo ${name}`,
    cancelUploading: (name) => `Cancelar la subida de ${name}`,
  },
}

/** The sentences for the chat's language. */
export const attachmentText = (): AttachmentText => tables[lang]
