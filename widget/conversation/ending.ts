/**
 * "End chat", asked first: ending cannot be undone. A 409 means the conversation had already ended,
 * which is what the visitor wanted; 401/403/404 mean it is gone.
 */
import { signal } from '@preact/signals'
import { classify } from './failure.ts'
import type { MachineEvent } from './machine.ts'

export type EndingDeps = {
  /** Resolves once the proxy has ended the conversation; false when there is none to end. */
  finish(): Promise<boolean>
  dispatch(event: MachineEvent): void
  /** Shows or clears "We couldn't end the chat". */
  setFailed(failed: boolean): void
}

export function createEnding({ finish, dispatch, setFailed }: EndingDeps) {
  const confirming = signal(false)
  return {
    confirming,
    request(): void {
      confirming.value = true
    },
    cancel(): void {
      confirming.value = false
    },
    async confirm(): Promise<void> {
      confirming.value = false
      setFailed(false)
      try {
        if (await finish()) dispatch({ type: 'finished', by: 'visitor' })
      } catch (error) {
        const kind = classify(error)
        if (kind === 'finished') dispatch({ type: 'finished', by: 'visitor' })
        else if (kind === 'gone') dispatch({ type: 'fail', reason: 'gone' })
        else setFailed(true)
      }
    },
  }
}
