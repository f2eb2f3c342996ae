/**
 * The rating form after a chat ends: the visitor picks Good or Bad, may add a comment, then sends.
 * The machine tracks sending (rating) and done (rated); this holds the unsent choice.
 */
import { batch, type ReadonlySignal, signal } from '@preact/signals'
import type { RatingBody } from '../../protocol/schemas.ts'
import { limits, type Mood } from '../../protocol/wire.ts'
import { classify } from './failure.ts'
import type { MachineEvent, Phase } from './machine.ts'

export type RatingDeps = {
  phase: ReadonlySignal<Phase>
  send(body: RatingBody): Promise<void>
  dispatch(event: MachineEvent): void
}

/**
 * Sends in all of a rating that fails for a passing reason (5xx, timeout, offline, 429), each with
 * the transport's own retries: past them, the visitor is told it could not be recorded.
 */
const maxTries = 3

export function createRating({ phase, send, dispatch }: RatingDeps) {
  const mood = signal<Mood | null>(null)
  const comment = signal('')
  let tries = 0

  return {
    signals: { mood, comment },
    choose(value: Mood): void {
      mood.value = value
    },
    setComment(text: string): void {
      comment.value = text.slice(0, limits.commentLength)
    },
    async submit(): Promise<void> {
      const chosen = mood.value
      const now = phase.value
      if (chosen === null || now.name !== 'finished' || now.rating === 'refused') return
      dispatch({ type: 'rate', mood: chosen })
      const text = comment.value.trim()
      try {
        await send(text ? { mood: chosen, comment: text } : { mood: chosen })
        dispatch({ type: 'rated', mood: chosen })
      } catch (error) {
        const kind = classify(error)
        // 409: the proxy already has a rating for this conversation; nothing left to do.
        if (kind === 'finished') dispatch({ type: 'rated', mood: chosen })
        // A refusal (zChat's, after the end) would be refused again: said once, and final.
        else if ((kind === 'retryable' || kind === 'busy') && ++tries < maxTries)
          dispatch({ type: 'rating-failed' })
        else dispatch({ type: 'rating-refused' })
      }
    },
    reset(): void {
      tries = 0
      batch(() => {
        mood.value = null
        comment.value = ''
      })
    },
  }
}
