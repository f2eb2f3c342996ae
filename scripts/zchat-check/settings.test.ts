import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../proxy/env.ts'
import { HelpWanted, maskedWebhookUrl, readSettings, SettingsError } from './settings.ts'

const env = {
  ZCHAT_TOKEN: 'tok-tok',
  ZCHAT_WEBHOOK_SECRET: 'secret-secret-secret',
  PUBLIC_URL: 'https://chat.example.com/',
  ZCHAT_CHECK_DEPARTMENT: '3',
}
/** What the proxy needs besides, so that loadConfig reads the same environment. */
const proxyOnly = { SESSION_SECRET: 'x'.repeat(32), ALLOWED_ORIGINS: '*' }

function refusal(read: () => unknown): string {
  try {
    read()
  } catch (error) {
    if (error instanceof SettingsError || error instanceof ConfigError) return error.message
    throw error
  }
  return 'accepted'
}

describe('readSettings', () => {
  it("reads the proxy's variables and the check's own", () => {
    const settings = readSettings(
      { ...env, ZCHAT_CHECK_TAGS: '10, 11', PORT: '9000', ZCHAT_UPDATE_TOKEN: 'sdk' },
      [],
    )
    expect(settings).toMatchObject({
      apiUrl: 'https://zchat.zenvia.io/core/api/v1',
      token: 'tok-tok',
      updateToken: 'sdk',
      separateUpdateToken: true,
      publicUrl: 'https://chat.example.com',
      host: '127.0.0.1',
      port: 9000,
      timeoutMs: 10_000,
      department: 3,
      tagIds: ['10', '11'],
      waitMs: 20_000,
      json: false,
    })
    expect(readSettings(env, []).updateToken).toBe('tok-tok')
  })

  it('takes flags over variables, and the only allowed department by default', () => {
    const settings = readSettings(env, [
      '--department',
      '7',
      '--tags',
      '1,2',
      '--wait',
      '1.5',
      '--json',
    ])
    expect(settings).toMatchObject({ department: 7, tagIds: ['1', '2'], waitMs: 1500, json: true })
    const { ZCHAT_CHECK_DEPARTMENT: _, ...noDepartment } = env
    expect(readSettings({ ...noDepartment, ALLOWED_DEPARTMENTS: '4' }, []).department).toBe(4)
    expect(
      refusal(() => readSettings({ ...noDepartment, ALLOWED_DEPARTMENTS: '4,5' }, [])),
    ).toMatch(/^ {2}ZCHAT_CHECK_DEPARTMENT \(--department\): required/m)
  })

  it('names every missing or bad setting, flags by their flag too', () => {
    const text = refusal(() => readSettings({}, []))
    for (const name of ['ZCHAT_TOKEN', 'ZCHAT_WEBHOOK_SECRET', 'PUBLIC_URL'])
      expect(text).toMatch(new RegExp(`^ {2}${name}: required`, 'm'))
    expect(refusal(() => readSettings(env, ['--department', 'sales']))).toMatch(
      /ZCHAT_CHECK_DEPARTMENT \(--department\):/,
    )
    expect(refusal(() => readSettings(env, ['--wait', '0']))).toMatch(
      /ZCHAT_CHECK_WAIT_SECONDS \(--wait\): more than 0 seconds/,
    )
    expect(refusal(() => readSettings(env, ['--tags', 'a b']))).toMatch(/ZCHAT_CHECK_TAGS/)
    expect(refusal(() => readSettings(env, ['--nope']))).toMatch(/--nope[\s\S]*Usage:/)
    expect(() => readSettings(env, ['--help'])).toThrow(HelpWanted)
  })

  it('refuses what the proxy refuses, naming the same variable, and accepts what it accepts', () => {
    const bad: Record<string, string[]> = {
      ZCHAT_WEBHOOK_SECRET: ['short', 'has spaces in it, sadly'],
      PUBLIC_URL: ['ftp://chat.example.com', 'chat.example.com'],
      ZCHAT_API_URL: ['zchat.zenvia.io', 'ws://zchat.example.com'],
      PORT: ['70000', 'eighty'],
      ZCHAT_TIMEOUT_MS: ['5', 'soon'],
      HISTORY_TIME_ZONE: ['Mars/Olympus_Mons'],
      ALLOWED_DEPARTMENTS: ['sales', '0', ','],
    }
    for (const [name, values] of Object.entries(bad)) {
      for (const value of values) {
        const given = { ...env, [name]: value }
        const proxy = refusal(() => loadConfig({ ...given, ...proxyOnly }))
        const check = refusal(() => readSettings(given, []))
        expect(proxy, `${name}=${value}`).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'))
        expect(check, `${name}=${value}`).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'))
      }
    }
    const good = {
      ...env,
      ZCHAT_API_URL: 'http://127.0.0.1:9/core/api/v1',
      HOST: '0.0.0.0',
      PORT: '0',
      ZCHAT_TIMEOUT_MS: '100',
      HISTORY_TIME_ZONE: 'UTC',
      ALLOWED_DEPARTMENTS: '1, 2',
      ZCHAT_UPDATE_TOKEN: 'other',
    }
    expect(refusal(() => loadConfig({ ...good, ...proxyOnly }))).toBe('accepted')
    expect(refusal(() => readSettings(good, []))).toBe('accepted')
    // Every department, on purpose.
    const every = { ...good, ALLOWED_DEPARTMENTS: '*' }
    expect(refusal(() => loadConfig({ ...every, ...proxyOnly }))).toBe('accepted')
    expect(refusal(() => readSettings(every, []))).toBe('accepted')
  })

  it('shows the webhook URL with the secret masked', () => {
    const shown = maskedWebhookUrl(readSettings(env, []))
    expect(shown).toBe('https://chat.example.com/webhooks/zchat/sec…(20 characters)')
    expect(shown).not.toContain(env.ZCHAT_WEBHOOK_SECRET)
  })
})
