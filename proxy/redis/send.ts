/**
 * Lua scripts by their SHA1 (EVALSHA), sent in full (EVAL) only when Redis does not know them yet:
 * after a start, a restart or a SCRIPT FLUSH.
 */
import { createHash } from 'node:crypto'
import { ErrorReply } from 'redis'

/** One raw command (RESP2 reply); Redis's error replies come back as ErrorReply. */
export type Send = (args: string[]) => Promise<unknown>

export function createScriptRunner(send: Send) {
  const shas = new Map<string, string>()
  const shaOf = (script: string) => {
    let sha = shas.get(script)
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex')
      shas.set(script, sha)
    }
    return sha
  }
  return async (script: string, keys: string[], args: string[]): Promise<unknown> => {
    const rest = [String(keys.length), ...keys, ...args]
    try {
      return await send(['EVALSHA', shaOf(script), ...rest])
    } catch (error) {
      if (!(error instanceof ErrorReply && error.message.startsWith('NOSCRIPT'))) throw error
      return await send(['EVAL', script, ...rest])
    }
  }
}
