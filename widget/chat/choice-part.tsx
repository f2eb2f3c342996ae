/**
 * The site's choice of department and of where the agent answers (`data-departments`,
 * `data-channels`), a part of its own with its CSS and sentences: fetched at once on a site that
 * offers one (mount.tsx), never on the others. It also says where the answer goes once that is the
 * visitor's phone.
 */
import type { ConversationModel } from '../conversation/model.ts'
import { AnsweredElsewhere } from '../ui/AnsweredElsewhere.tsx'
import { ChoiceFields } from '../ui/ChoiceFields.tsx'

export { offerChoice } from './offer-choice.ts'

/** Where the window shows it: the choice before the first message, then where the answer goes. */
export function ChoicePanel({ model }: { model: ConversationModel }) {
  return model.phase.value.name === 'prechat' ? (
    <ChoiceFields model={model} />
  ) : (
    <AnsweredElsewhere model={model} />
  )
}

export const css = `
.zc-option{display:flex;gap:8px;align-items:center}
.zc-form .zc-option{font-weight:400}
.zc-form .zc-option input{width:auto;margin:0}
`
