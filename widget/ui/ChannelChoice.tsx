/**
 * Where the agent answers (`data-channels`): here in the chat, or on the visitor's WhatsApp or by
 * SMS, at a phone they give (required, checked as the pre-chat phone is). A radio group when there
 * is more than one; the phone field once the answer goes to a phone.
 */
import { limits } from '../../protocol/wire.ts'
import type { Choice } from '../conversation/choice.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { choiceText } from '../i18n/choice.ts'

type Model = Pick<ConversationModel, 'profile' | 'setProfile'>

export function ChannelChoice({ choice, model }: { choice: Choice; model: Model }) {
  const c = choiceText()
  const channel = choice.channel.value
  const problem = choice.problems.value.phone
  const phone = channel !== 'web' && (
    <>
      <label for="zc-answer-phone">
        {c.phoneFor[channel]}
        <span aria-hidden="true"> *</span>
      </label>
      <input
        id="zc-answer-phone"
        type="tel"
        autocomplete="tel"
        maxLength={limits.phoneLength}
        required
        value={model.profile.value.phone ?? ''}
        aria-invalid={problem !== undefined}
        aria-describedby={problem ? 'zc-answer-phone-error' : undefined}
        onInput={(e) => model.setProfile({ phone: e.currentTarget.value })}
      />
      {problem && (
        <p id="zc-answer-phone-error" class="zc-failed" role="alert">
          {c.phone[problem]}
        </p>
      )}
    </>
  )
  if (choice.channels.length < 2) return phone ? <div class="zc-form">{phone}</div> : null
  return (
    <fieldset class="zc-form">
      <legend>{c.channelLegend}</legend>
      {choice.channels.map((option) => (
        <label key={option} class="zc-option">
          <input
            type="radio"
            name="zc-channel"
            checked={channel === option}
            onChange={() => choice.setChannel(option)}
          />
          {c.channels[option]}
        </label>
      ))}
      {phone}
    </fieldset>
  )
}
