/**
 * The site's choice of department and channel (conversation/choice.ts), offered in the pre-chat
 * form: read from the attributes as written, with one warning for what cannot be read, and the
 * opening hours read by their own chunk when a department or the site has any. In the choice's part
 * (choice-part.tsx), which mount loads at once on a site that offers a choice.
 */
import type { Channel } from '../../protocol/wire.ts'
import { createChoice, readChannels, readDepartments } from '../conversation/choice.ts'
import type { ConversationModel } from '../conversation/model.ts'
import type { ChatAttributes } from '../loader-chat-interface.ts'
import { warn } from '../warn.ts'

type Model = Pick<
  ConversationModel,
  'prechat' | 'profile' | 'checkHours' | 'confirmEnd' | 'alert' | 'startNew'
>

/** Once per model: the choice stays what the visitor made it, for every new chat of this page. */
export function offerChoice(
  model: Model,
  attributes: ChatAttributes,
  department: number | undefined,
  now: () => number,
): void {
  if (model.prechat.choice.peek()) return
  const problems: string[] = []
  const departments = attributes.departments
    ? readDepartments(attributes.departments, problems)
    : []
  const channels = readChannels(attributes.channels ?? '', problems)
  if (problems.length > 0) warn(`ignoring ${problems.join(', ')}`)
  const choice = createChoice(
    { departments, channels, preselect: department },
    { attempts: model.prechat.attempts, profile: model.profile },
  )
  model.prechat.choice.value = choice
  // With a choice offered, the site's hours are read here too (mount leaves them to the choice).
  if (attributes.hours || departments.some((d) => d.hours)) {
    import('../conversation/opening-hours.ts').then(
      ({ choiceHours }) => {
        choice.hours.value = choiceHours(departments, attributes, now, warn)
        model.checkHours()
      },
      (error: unknown) => warn('could not load the opening hours', error),
    )
  }
}

/**
 * "Chat here instead" of waiting for an answer on the phone: that conversation ends (zChat's agent
 * no longer answers it there), and a new one begins here, with it as its earlier history. When it
 * cannot be ended, the window says so and nothing else changes.
 */
export async function chatHereInstead(model: Model): Promise<void> {
  await model.confirmEnd()
  if (model.alert.value === 'end-failed') return
  model.prechat.choice.peek()?.setChannel('web' satisfies Channel)
  model.startNew()
}
