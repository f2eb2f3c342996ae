/**
 * The operator's commands on dead letters (dead-letters.ts), as `node dist/proxy/dead-letters.js`
 * runs them: list, retry, erase. Apart from the entry so a test runs them in-process.
 */
import type { DeadLetters } from './dead-letters.ts'
import { type DeliveryTarget, deliveryBody, postDelivery, verdictOf } from './delivery.ts'

export const usage = `Usage: node dist/proxy/dead-letters.js <command>
  list             every dead letter, one JSON line each, oldest first (personal data: mind where it goes)
  retry [id...]    delivers them to LEAVE_MESSAGE_URL again (every one when no id is given);
                   those the site takes are erased, the others stay
  erase <id...>    erases them (a visitor asked for their data to be erased, or it was passed on by hand)`

export type CommandDeps = {
  deadLetters: DeadLetters
  /** LEAVE_MESSAGE_URL and its secret; null when it is not set (retry cannot run). */
  target: DeliveryTarget | null
  /** A line for the operator (stdout). */
  print(line: string): void
}

/** Runs one command; its exit code (0: done, 1: something was not, 2: a wrong command). */
export async function runDeadLetterCommand(
  [command, ...ids]: readonly string[],
  { deadLetters, target, print }: CommandDeps,
): Promise<number> {
  switch (command) {
    case 'list': {
      for (const letter of await deadLetters.list()) print(JSON.stringify(letter))
      return 0
    }
    case 'retry': {
      if (!target) {
        print('LEAVE_MESSAGE_URL is not set: there is nowhere to deliver them')
        return 1
      }
      const letters = (await deadLetters.list()).filter(
        (letter) => ids.length === 0 || ids.includes(letter.message.id),
      )
      const missing = ids.filter((id) => !letters.some((letter) => letter.message.id === id))
      for (const id of missing) print(`${id}: no such dead letter`)
      let failed = missing.length
      for (const { message } of letters) {
        const attempt = await postDelivery(target, deliveryBody(message))
        const status = 'status' in attempt ? attempt.status : attempt.failure
        if ('status' in attempt && verdictOf(attempt.status) === 'done') {
          await deadLetters.erase(message.id)
          print(`${message.id}: delivered (${status}), erased`)
        } else {
          failed++
          print(`${message.id}: not delivered (${status}), kept`)
        }
      }
      return failed > 0 ? 1 : 0
    }
    case 'erase': {
      if (ids.length === 0) break
      let failed = 0
      for (const id of ids) {
        const erased = await deadLetters.erase(id)
        if (!erased) failed++
        print(`${id}: ${erased ? 'erased' : 'no such dead letter'}`)
      }
      return failed > 0 ? 1 : 0
    }
  }
  print(usage)
  return 2
}
