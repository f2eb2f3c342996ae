/**
 * The departments the site lets the visitor choose from (`data-departments`): a radio group before
 * the first message. One closed now cannot be chosen, and says when it opens.
 */
import type { Choice } from '../conversation/choice.ts'
import { choiceText } from '../i18n/choice.ts'

export function DepartmentChoice({ choice }: { choice: Choice }) {
  const c = choiceText()
  const problem = choice.problems.value.department
  const hours = choice.hours.value
  return (
    <fieldset class="zc-form">
      <legend>{c.departmentLegend}</legend>
      {choice.departments.map((department) => {
        const closed = choice.isClosed(department)
        const when = closed && hours?.label(department)
        return (
          <label key={department.id} class="zc-option">
            <input
              type="radio"
              name="zc-department"
              checked={!closed && choice.department.value === department.id}
              disabled={closed}
              aria-invalid={problem !== undefined && !closed}
              aria-describedby={problem ? 'zc-department-error' : undefined}
              onChange={() => choice.choose(department.id)}
            />
            {department.label}
            {closed && (
              <span class="zc-hint">
                {' '}
                ({c.closedNow}
                {when && ` · ${when}`})
              </span>
            )}
          </label>
        )
      })}
      {problem && (
        <p id="zc-department-error" class="zc-failed" role="alert">
          {c.departmentMissing}
        </p>
      )}
    </fieldset>
  )
}
