import { describe, expect, it } from 'vitest'
import { clientKey } from './client-address.ts'

describe('clientKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientKey('192.0.2.1', 64)).toBe('192.0.2.1')
    expect(clientKey('127.0.3.4', 64)).toBe('127.0.3.4')
  })

  it('counts an IPv4-mapped IPv6 address as the IPv4 address it maps', () => {
    expect(clientKey('::ffff:192.0.2.1', 64)).toBe('192.0.2.1')
    expect(clientKey('::FFFF:c000:0201', 64)).toBe('192.0.2.1')
    expect(clientKey('0:0:0:0:0:ffff:192.0.2.1', 128)).toBe('192.0.2.1')
  })

  it('counts every address of one IPv6 prefix as one client, however it is written', () => {
    const one = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:abcd:0:0:9',
      '2001:db8:1:2::c0a8:1',
      '2001:db8:1:2:0:0:192.168.0.1',
      '2001:db8:1:2::1%eth0',
    ]
    expect(new Set(one.map((address) => clientKey(address, 64)))).toEqual(
      new Set(['2001:db8:1:2::/64']),
    )
    expect(clientKey('2001:db8:1:3::1', 64)).not.toBe(clientKey('2001:db8:1:2::1', 64))
  })

  it('cuts at any prefix length, within a group too', () => {
    expect(clientKey('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48')
    expect(clientKey('2001:db8:1:3::1', 48)).toBe('2001:db8:1::/48')
    expect(clientKey('2001:db8:12ff::1', 40)).toBe('2001:db8:1200::/40')
    expect(clientKey('2001:db8::5', 128)).toBe('2001:db8:0:0:0:0:0:5/128')
    expect(clientKey('::1', 128)).toBe('0:0:0:0:0:0:0:1/128')
    expect(clientKey('::1', 64)).toBe('::/64')
  })

  it('leaves what is no address as it came', () => {
    expect(clientKey('', 64)).toBe('')
    expect(clientKey('unknown', 64)).toBe('unknown')
  })
})
