/** Portuguese (Brazil): its own chunk, loaded before the chat renders on a pt page. */
import type { Forms, Messages } from './en.ts'

const chars = { one: 'caractere', other: 'caracteres' }

/** Given the language's plural rule (i18n/text.ts), so this part imports nothing from the chat. */
export function messages(plural: (n: number, forms: Forms) => string): Messages {
  const one = (n: number, forms: Forms) => `${n} ${plural(n, forms)}`
  return {
    title: 'Fale conosco',
    minimize: 'Minimizar',
    endChat: 'Encerrar conversa',
    cancel: 'Cancelar',
    messages: 'Mensagens',
    message: 'Mensagem',
    placeholder: 'Escreva uma mensagem…',
    send: 'Enviar',
    charsLeft: (n) => `${plural(n, { one: 'Resta', other: 'Restam' })} ${one(n, chars)}`,
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
    connecting: 'Conectando…',
    reconnecting: 'Conexão perdida. Reconectando…',
    waiting: 'Aguardando um atendente…',
    queue: (n) =>
      `Você é o número ${n} na fila${n > 1 ? ` (${plural(n - 1, { one: '1 pessoa', other: `${n - 1} pessoas` })} antes de você)` : ''}`,
    fields: { name: 'Nome', email: 'E-mail', phone: 'Telefone', cpf: 'CPF' },
    prechat: {
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
  }
}
