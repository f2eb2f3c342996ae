/**
 * Optional name and email before the first message. Skippable: writing a message starts the chat
 * with whatever is filled in. `zchat('identify', ...)` pre-fills it.
 */
import { limits } from '../../proxy/protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'

export function PrechatForm({ model }: { model: ConversationModel }) {
  const profile = model.profile.value
  const emailInvalid = model.alert.value === 'email-invalid'
  return (
    <fieldset class="zc-form">
      <legend>Tell us who you are (optional), then write your message below.</legend>
      <label for="zc-name">Name</label>
      <input
        id="zc-name"
        autocomplete="name"
        maxLength={limits.nameLength}
        value={profile.name ?? ''}
        onInput={(e) => model.setProfile({ name: e.currentTarget.value })}
      />
      <label for="zc-email">Email</label>
      <input
        id="zc-email"
        type="email"
        autocomplete="email"
        maxLength={limits.emailLength}
        value={profile.email ?? ''}
        aria-invalid={emailInvalid}
        aria-describedby={emailInvalid ? 'zc-email-error' : undefined}
        onInput={(e) => model.setProfile({ email: e.currentTarget.value })}
      />
      {emailInvalid && (
        <p id="zc-email-error" class="zc-failed" role="alert">
          Please enter a valid email address, or leave it empty.
        </p>
      )}
    </fieldset>
  )
}
