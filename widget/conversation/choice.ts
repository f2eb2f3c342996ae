/**
 * What the visitor chooses before the first message when the site offers it: the department
 * (`data-departments`, over `data-department`) and where the agent answers (`data-channels`): here
 * in the chat, or on WhatsApp or by SMS at a phone the visitor gives. Read from the attributes as
 * written; what cannot be read is reported (the caller warns once) and left out.
 *
 * A department may have its own opening hours (else the site's): closed now, it cannot be chosen,
 * and when every one is, the chat is closed (the window offers to leave a message). The hours are
 * read by their own chunk; until they are, every department is open.
 */
import { computed, type ReadonlySignal, signal } from '@preact/signals'
import { brazilianPhone } from '../../protocol/checks.ts'
import type { VisitorProfile } from '../../protocol/schemas.ts'
import { type Channel, channels as knownChannels } from '../../protocol/wire.ts'
import type { FieldProblem } from './validate.ts'

export type Department = { id: number; label: string; hours?: string }

/** Bounds of our own choosing: a list a visitor can read, labels that fit on a line. */
export const maxDepartments = 20
export const labelLength = 80

const listExample = '[{"id":7,"label":"Vendas"}]'

function readDepartment(value: unknown): Department | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, label, hours } = value as Record<string, unknown>
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null
  if (typeof label !== 'string' || !label.trim() || label.trim().length > labelLength) return null
  if (hours !== undefined && typeof hours !== 'string') return null
  return { id, label: label.trim(), ...(hours?.trim() && { hours: hours.trim() }) }
}

/**
 * `[{"id":7,"label":"Vendas","hours":"mon-fri 09:00-18:00"}, ...]` -> the departments, in order.
 * Anything else (bad JSON, an entry without a positive id or a label, an id twice) leaves the whole
 * list out, with one problem: the site's `data-department` is used instead.
 */
export function readDepartments(text: string, problems: string[]): Department[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {}
  const list = Array.isArray(value) ? value.map(readDepartment) : []
  const ids = new Set(list.map((department) => department?.id))
  if (
    list.length === 0 ||
    list.length > maxDepartments ||
    list.includes(null) ||
    ids.size < list.length
  ) {
    problems.push(`data-departments (expected JSON like ${listExample}); using data-department`)
    return []
  }
  return list as Department[]
}

/** `web,whatsapp,sms` -> the channels in the order offered; unknown ones are reported. Web alone by default. */
export function readChannels(text: string, problems: string[]): Channel[] {
  const found: Channel[] = []
  for (const item of text.split(',').map((part) => part.trim().toLowerCase())) {
    const channel = knownChannels.find((known) => known === item)
    if (channel) {
      if (!found.includes(channel)) found.push(channel)
    } else if (item) problems.push(`data-channels: "${item}" (expected web, whatsapp or sms)`)
  }
  return found.length > 0 ? found : ['web']
}

/** The hours, once their chunk has read them: whether a department (the site, with none) is open now, and when. */
export type ChoiceHours = {
  isOpen(department?: Department): boolean
  /** Its hours as the visitor reads them (`Mon–Fri 09:00–18:00`); none when always open. */
  label(department?: Department): string | undefined
  /** Hours with their zone, as the window words them: `… (Sao Paulo time)`. */
  inZone(text: string): string
}

export type ChoiceSettings = {
  /** Empty: no department to choose (the site's `data-department` applies). */
  departments: Department[]
  /** `['web']` alone: nothing to choose. */
  channels: Channel[]
  /** `data-department`: chosen at first when it is one of them. */
  preselect?: number | undefined
}

export type ChoiceDeps = {
  /** The pre-chat form's tries to start: problems show from the first one on. */
  attempts: ReadonlySignal<number>
  /** The visitor's details; the phone is the one the agent answers at, off the chat. */
  profile: ReadonlySignal<VisitorProfile>
}

export type ChoiceProblems = { department?: 'missing'; phone?: FieldProblem }

export type Choice = ReturnType<typeof createChoice>

export function createChoice(settings: ChoiceSettings, { attempts, profile }: ChoiceDeps) {
  const { departments, channels } = settings
  const only = departments.length === 1 ? departments[0]?.id : undefined
  const preselected = departments.some((d) => d.id === settings.preselect)
    ? settings.preselect
    : only
  const department = signal<number | null>(preselected ?? null)
  const channel = signal<Channel>(channels.includes('web') ? 'web' : (channels[0] ?? 'web'))
  const hours = signal<ChoiceHours | null>(null)

  const isClosed = (d?: Department) => hours.value !== null && !hours.value.isOpen(d)
  /** The department chosen, unless it is closed now. */
  const chosen = computed(() => {
    const found = departments.find((d) => d.id === department.value)
    return found && !isClosed(found) ? found.id : null
  })

  const problems = computed(() => {
    const found: ChoiceProblems = {}
    if (attempts.value === 0) return found
    if (departments.length > 0 && chosen.value === null) found.department = 'missing'
    // The pre-chat phone's rule (validate.ts), required. Not its fieldProblem(): imported here,
    // in the pre-chat part, Rolldown moves Preact out of the chat into a chunk of its own.
    const phone = profile.value.phone?.trim()
    if (channel.value !== 'web' && !(phone && brazilianPhone(phone)))
      found.phone = phone ? 'invalid' : 'missing'
    return found
  })

  return {
    departments,
    channels,
    department,
    channel,
    hours,
    problems,
    isClosed,
    /** Whether the chat may start (the form counts the try and shows the problems). */
    ok: () => Object.keys(problems.value).length === 0,
    choose(id: number): void {
      department.value = id
    },
    setChannel(next: Channel): void {
      channel.value = next
    },
    /** The department the visitor chose, for the start and a message left. */
    chosenDepartment: (): number | undefined => chosen.value ?? undefined,
    /** What the start adds: the department, and the channel when it is not this chat. */
    context(): { department?: number; channel?: Exclude<Channel, 'web'> } {
      const id = chosen.value
      const where = channel.value
      return {
        ...(id !== null && { department: id }),
        ...(where !== 'web' && { channel: where }),
      }
    },
    /**
     * Closed now: every department is (the site, when there is none to choose). Undecided (false)
     * until the hours are read.
     */
    closed(): boolean {
      return departments.length > 0 ? departments.every((d) => isClosed(d)) : isClosed()
    },
    /** The hours, when closed: each department's that has any (else the site's), in their zone. */
    describeHours(): string | undefined {
      const read = hours.value
      const text =
        departments.length === 0
          ? read?.label()
          : departments
              .flatMap((d) => {
                const label = read?.label(d)
                return label ? [`${d.label}: ${label}`] : []
              })
              .join('; ')
      return read && text ? read.inZone(text) : undefined
    },
  }
}
