/**
 * The pre-chat fields and what can be wrong with one, in the visitor's terms. The rules themselves
 * are the proxy's (protocol/checks.ts), so the widget never lets through what the proxy refuses.
 */
import { brazilianPhone, isCpf, isEmail } from '../../protocol/checks.ts'

export type PrechatField = 'name' | 'email' | 'phone' | 'cpf'
export const prechatFields: readonly PrechatField[] = ['name', 'email', 'phone', 'cpf']

export type FieldProblem = 'missing' | 'invalid'

const isValid: Record<PrechatField, (value: string) => boolean> = {
  name: () => true,
  email: isEmail,
  phone: (value) => brazilianPhone(value) !== null,
  cpf: isCpf,
}

/** Null when the value is fine, or empty in a field that is not required. */
export function fieldProblem(
  field: PrechatField,
  value: string | undefined,
  required: boolean,
): FieldProblem | null {
  const text = value?.trim() ?? ''
  if (text === '') return required ? 'missing' : null
  return isValid[field](text) ? null : 'invalid'
}
