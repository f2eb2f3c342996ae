import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './env.ts'

const real = {
  ZCHAT_TOKEN: 'tok',
  ZCHAT_WEBHOOK_SECRET: 'secret-secret-secret',
  SESSION_SECRET: 'x'.repeat(32),
  PUBLIC_URL: 'https://chat.example.com/',
  ALLOWED_ORIGINS: 'https://www.example.com, https://shop.example.com',
}

function message(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  return 'no error'
}

describe('loadConfig', () => {
  it('runs against the emulator when no token is set, with made-up secrets', () => {
    const config = loadConfig({})
    expect(config.mode).toBe('emulator')
    expect(config.port).toBe(8787)
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32)
  })

  it('reads a real account configuration', () => {
    const config = loadConfig({ ...real, ALLOWED_DEPARTMENTS: '1, 4' })
    expect(config).toMatchObject({
      mode: 'zchat',
      publicUrl: 'https://chat.example.com',
      zchatApiUrl: 'https://zchat.zenvia.io/core/api/v1',
      allowedOrigins: ['https://www.example.com', 'https://shop.example.com'],
      allowedDepartments: [1, 4],
    })
  })

  it('reads whom to trust for the client address', () => {
    expect(loadConfig({ ...real }).trustProxy).toBe(false)
    expect(loadConfig({ ...real, TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ ...real, TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ ...real, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ])
  })

  it('names the variable and what was expected', () => {
    expect(message({ ZCHAT_TOKEN: 'tok' })).toMatch(
      /SESSION_SECRET: required when ZCHAT_TOKEN is set/,
    )
    expect(message({ ...real, PORT: 'eighty' })).toMatch(/PORT:/)
    expect(message({ ...real, SESSION_SECRET: 'short' })).toMatch(
      /SESSION_SECRET: at least 32 characters/,
    )
    expect(message({ ...real, ALLOWED_ORIGINS: 'https://a.example/path' })).toMatch(
      /ALLOWED_ORIGINS/,
    )
    expect(message({ ...real, ALLOWED_DEPARTMENTS: '1,two' })).toMatch(/ALLOWED_DEPARTMENTS/)
    expect(message({ ...real, REDIS_URL: 'redis://127.0.0.1:6379' })).toMatch(/REDIS_URL/)
  })
})
