/**
 * Where a lazily loaded part of the chat shows (chat/parts.ts): the part once it is there; until
 * then nothing, or `placeholder` when the space should be kept; if it could not be fetched, a
 * sentence and Try again, never a blank.
 */
import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'
import type { LazyPart } from '../chat/parts.ts'
import { t } from '../i18n/text.ts'

export function PartSlot<T>({
  part,
  placeholder = null,
  children,
}: {
  part: LazyPart<T>
  placeholder?: ComponentChildren
  children: (part: T) => ComponentChildren
}) {
  const state = part.state.value
  useEffect(() => {
    if (state.name === 'idle') void part.prefetch()
  }, [state.name])
  if (state.name === 'ready') return <>{children(state.part)}</>
  if (state.name !== 'failed') return <>{placeholder}</>
  return <PartFailed onRetry={() => void part.prefetch()} />
}

/** A part that could not be fetched (the network, a new deploy): said, with Try again. */
export function PartFailed({ onRetry }: { onRetry: () => void }) {
  return (
    <p class="zc-alert" role="alert">
      {t.partFailed}{' '}
      <button type="button" class="zc-link" onClick={onRetry}>
        {t.tryAgain}
      </button>
    </p>
  )
}
