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

export function createRating({ phase, send, dispatch }: RatingDeps) {
  const mood = signal<Mood | null>(null)
  const comment = signal('')

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
      if (chosen === null || phase.value.name !== 'finished') return
      dispatch({ type: 'rate', mood: chosen })
      const text = comment.value.trim()
      try {
        await send(text ? { mood: chosen, comment: text } : { mood: chosen })
        dispatch({ type: 'rated', mood: chosen })
      } catch (error) {
        // 409: the proxy already has a rating for this conversation; nothing left to do.
        if (classify(error) === 'finished') dispatch({ type: 'rated', mood: chosen })
        else dispatch({ type: 'rating-failed' })
      }
    },
    reset(): void {
      batch(() => {
        mood.value = null
        comment.value = ''
      })
    },
  }
}
