/**
 * The report, as a table for the operator or JSON for a support ticket. Neither ever holds the
 * token or the webhook secret: the webhook URL is shown masked, and whatever zChat echoed back is
 * scrubbed of both before anything is written.
 */
import type { Report } from './checks.ts'
import type { Row, Verdict } from './rows.ts'

const labels: Record<Verdict, string> = {
  match: 'yes',
  mismatch: 'NO',
  'not-seen': 'NOT SEEN',
  skipped: 'SKIPPED',
}

/** Every occurrence of every secret, as written and as JSON escapes it, replaced. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)]))
      out = out.split(form).join('[redacted]')
  }
  return out
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line)
      lines.push(word.slice(0, width))
      word = word.slice(width)
      line = ''
    }
    if (!line) line = word
    else if (line.length + 1 + word.length <= width) line += ` ${word}`
    else {
      lines.push(line)
      line = word
    }
  }
  if (line) lines.push(line)
  return lines.length > 0 ? lines : ['']
}

function table(rows: Row[], width: number): string {
  const fixed = [20, 8]
  const rest = width - fixed[0]! - fixed[1]! - 8
  const widths = [
    ...fixed,
    Math.floor(rest * 0.34),
    Math.floor(rest * 0.36),
    rest - Math.floor(rest * 0.34) - Math.floor(rest * 0.36),
  ]
  const render = (cells: string[]) => {
    const wrapped = cells.map((cell, i) => wrap(cell, widths[i]!))
    const height = Math.max(...wrapped.map((lines) => lines.length))
    return Array.from({ length: height }, (_, line) =>
      wrapped
        .map((lines, i) => (lines[line] ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ).join('\n')
  }
  const header = render(['ROW', 'MATCHES', 'SEEN', 'THE PROXY ASSUMES', 'DEPENDS ON'])
  const rule = '-'.repeat(Math.min(width, header.split('\n')[0]!.length + 20))
  return [
    header,
    rule,
    ...rows.map((r) => render([r.id, labels[r.verdict], r.seen, r.assumes, r.dependsOn])),
  ].join('\n')
}

export function renderText(report: Report, width = 160): string {
  const s = report.settings
  const failing = report.rows.filter((r) => r.verdict !== 'match')
  const details = report.rows.filter((r) => r.verdict === 'match' && r.detail)
  const matching = report.rows.length - failing.length
  const out = [
    'zchat:check: what the proxy assumes of zChat, against this account',
    `  ZCHAT_API_URL ${s.apiUrl}`,
    `  PUBLIC_URL    ${s.publicUrl} (listening on ${s.listening})`,
    `  webhook       ${s.webhookUrl}`,
    `  department    ${s.department}${s.tagIds.length > 0 ? `, tags ${s.tagIds.join(', ')}` : ''}`,
    `  interaction   ${report.interactionHash ?? '(none)'}`,
    '',
    table(report.rows, Math.max(100, width)),
    '',
  ]
  if (failing.length > 0) {
    out.push('Not matching:')
    for (const r of failing) out.push(`  ${r.id} (${labels[r.verdict]}): ${r.detail || r.seen}`)
    out.push('')
  }
  if (details.length > 0 || report.notes.length > 0) {
    out.push('Details:')
    for (const r of details) out.push(`  ${r.id}: ${r.detail}`)
    for (const note of report.notes) out.push(`  ${note}`)
    out.push('')
  }
  out.push(
    report.ok
      ? `All ${report.rows.length} rows match: the proxy's assumptions hold for this account.`
      : `${matching} of ${report.rows.length} rows match; not matching: ${failing.map((r) => r.id).join(', ')}. ` +
          'For a support ticket, run again with --json.',
  )
  return `${out.join('\n')}\n`
}

export function renderJson(report: Report, at = new Date()): string {
  return `${JSON.stringify({ tool: 'zchat:check', at: at.toISOString(), ...report }, null, 2)}\n`
}
