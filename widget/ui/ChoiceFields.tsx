/**
 * The site's choice before the first message, above the pre-chat form: the department, then where
 * the agent answers (with the phone for it). Its problems show as the form's do, and the form takes
 * focus to the first one (PrechatForm.tsx).
 */
import type { ConversationModel } from '../conversation/model.ts'
import { ChannelChoice } from './ChannelChoice.tsx'
import { DepartmentChoice } from './DepartmentChoice.tsx'

export function ChoiceFields({ model }: { model: ConversationModel }) {
  const choice = model.prechat.choice.value
  if (!choice) return null
  return (
    <>
      {choice.departments.length > 0 && <DepartmentChoice choice={choice} />}
      <ChannelChoice choice={choice} model={model} />
    </>
  )
}
