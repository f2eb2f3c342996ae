/** "Rate this chat": Good or Bad, an optional comment, then "Send rating"; afterwards a thank-you. */
import { limits, type Mood, moods } from '../../protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { endingText } from '../i18n/ending.ts'

export function RatingForm({ model }: { model: ConversationModel }) {
  const words = endingText()
  const phase = model.phase.value
  if (phase.name === 'rated') return <p role="status">{words.thanksRating}</p>
  // Final: sending it again would be refused again (docs/decisions/016-no-guess-ends-a-chat.md).
  if (phase.name === 'finished' && phase.rating === 'refused')
    return (
      <p class="zc-failed" role="alert">
        {words.ratingRefused}
      </p>
    )
  const sending = phase.name === 'rating'
  const { mood, comment } = model.rating
  const label: Record<Mood, string> = { positive: words.good, negative: words.bad }
  return (
    <form
      class="zc-rating"
      aria-labelledby="zc-rate"
      onSubmit={(e) => {
        e.preventDefault()
        if (!sending) void model.sendRating()
      }}
    >
      <p id="zc-rate">{words.rate}</p>
      <div class="zc-row">
        {moods.map((each) => (
          <button
            key={each}
            type="button"
            class="zc-secondary"
            aria-pressed={mood.value === each}
            onClick={() => model.chooseMood(each)}
          >
            {label[each]}
          </button>
        ))}
      </div>
      {mood.value !== null && (
        <>
          <label for="zc-comment">{words.comment}</label>
          <textarea
            id="zc-comment"
            rows={2}
            maxLength={limits.commentLength}
            value={comment.value}
            onInput={(e) => model.setComment(e.currentTarget.value)}
          />
          <div class="zc-row">
            <button type="submit" class="zc-primary" aria-disabled={sending}>
              {words.sendRating}
            </button>
          </div>
        </>
      )}
      {phase.name === 'finished' && phase.rating === 'failed' && (
        <p class="zc-failed" role="alert">
          {words.ratingFailed}
        </p>
      )}
    </form>
  )
}
