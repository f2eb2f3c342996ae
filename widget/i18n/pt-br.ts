/** Portuguese (Brazil): its own chunk, loaded before the chat renders on a pt page. */
import type { Messages } from './en.ts'
import { type Forms, plural } from './plural.ts'

const one = (n: number, forms: Forms) => `${n} ${plural('pt-BR', n, forms)}`
const chars = { one: 'caractere', other: 'caracteres' }

export const messages: Messages = {
  title: 'Fale conosco',
  minimize: 'Minimizar',
  endChat: 'Encerrar conversa',
  cancel: 'Cancelar',
  messages: 'Mensagens',
  message: 'Mensagem',
  placeholder: 'Escreva uma mensagem…',
  send: 'Enviar',
  charsLeft: (n) => `${plural('pt-BR', n, { one: 'Resta', other: 'Restam' })} ${one(n, chars)}`,
  charsOver: (n) => `${one(n, chars)} acima do limite`,
  attach: 'Anexar um arquivo',
  offlineQueued: 'Você está sem conexão; enviaremos quando ela voltar.',
  waitSeconds: (n) =>
    `Muitas mensagens de uma vez. Aguarde ${one(n, { one: 'segundo', other: 'segundos' })} e toque em Reenviar.`,
  couldNotSend: 'Não foi possível enviar. Reenvie.',
  refused: {
    'file-gone': 'Este arquivo não está mais disponível. Anexe-o de novo.',
    refused: 'Esta mensagem não pode ser enviada assim.',
    declined: 'O serviço de chat não aceitou esta mensagem. Você pode escrever de novo.',
  },
  endFailed: 'Não conseguimos encerrar a conversa. Tente de novo.',
  tooLong: (max) => `Sua mensagem é longa demais: no máximo ${max} caracteres.`,
  crashed: 'Desculpe, o chat parou de funcionar. Recarregue a página.',
  partFailed: 'Esta parte do chat não carregou. Verifique sua conexão.',
  startNew: 'Iniciar uma nova conversa',
  tryAgain: 'Tentar de novo',
  failure: {
    offline: 'Não conseguimos conectar ao chat. Verifique sua conexão e tente de novo.',
    busy: 'O chat está muito ocupado agora. Aguarde um momento e tente de novo.',
    rejected: 'Desculpe, não conseguimos iniciar a conversa.',
    gone: 'Esta conversa terminou ou expirou.',
  },
  delivery: {
    sending: 'Enviando…',
    sent: 'Enviada',
    failed: 'Não enviada',
    refused: 'Não enviada',
  },
  retry: 'Reenviar',
  remove: 'Remover',
  youSaid: 'Você: ',
  agentSaid: 'Atendente: ',
  theAgent: 'o atendente',
  you: 'você',
  joined: (name) => `${name} entrou na conversa`,
  agentJoined: 'Um atendente entrou na conversa',
  earlierLost: 'Não foi possível recuperar algumas mensagens anteriores.',
  kinds: { image: 'Imagem', video: 'Vídeo', audio: 'Áudio', file: 'Arquivo' },
  sentBy: (kind, by) => `${kind} enviado por ${by}`,
  openMedia: (kind, name) => `Abrir ${kind.toLowerCase()}: ${name}`,
  connecting: 'Conectando…',
  reconnecting: 'Conexão perdida. Reconectando…',
  waiting: 'Aguardando um atendente…',
  queue: (n) =>
    `Você é o número ${n} na fila${n > 1 ? ` (${plural('pt-BR', n - 1, { one: '1 pessoa', other: `${n - 1} pessoas` })} antes de você)` : ''}`,
  agentTyping: 'O atendente está digitando…',
  fields: { name: 'Nome', email: 'E-mail', phone: 'Telefone', cpf: 'CPF' },
  hoursIn: (hours, city) => `${hours} (horário de ${city})`,
}
