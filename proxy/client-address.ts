/**
 * Who a client is, for every limit kept per client: the rate limits, the event streams and
 * connections per address, the bytes uploaded per address, and the webhook's limiter all count
 * under `clientKey`.
 *
 * An IPv4 address is one client. An IPv6 client is not one address: an ISP hands each customer a
 * whole prefix (a /64 at least, often a /56 or /48), and any machine on it may pick a new address
 * in it for every call. Counted by full address, such a client would meet no limit at all; so an
 * IPv6 address counts by its first IPV6_PREFIX_LENGTH bits. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 peer) is that IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net'

/** The 8 groups of 16 bits of a valid IPv6 address (a trailing dotted IPv4 part included). */
function groupsOf(address: string): number[] {
  const [head = '', tail] = address.split('::')
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)]
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number)
          return [(a << 8) | b, (c << 8) | d]
        })
  const left = parse(head)
  if (tail === undefined) return left
  const right = parse(tail)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

/**
 * The key a client's address counts under: an IPv4 address as it is, an IPv6 one as its first
 * `ipv6PrefixLength` bits (`2001:db8:1:2::/64`), an IPv4-mapped one as IPv4. Anything else (no
 * address at all) as given.
 */
export function clientKey(address: string, ipv6PrefixLength: number): string {
  // A zone (`fe80::1%eth0`) names the local interface, not the client.
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address
  if (isIPv4(bare) || !isIPv6(bare)) return bare
  const groups = groupsOf(bare)
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  const kept = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, ipv6PrefixLength - 16 * i))
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff
  })
  // Trailing zero groups written once, as `::`: the same prefix always reads the same.
  let end = kept.length
  while (end > 0 && kept[end - 1] === 0) end--
  const written = kept.slice(0, end).map((group) => group.toString(16))
  return `${written.join(':')}${end < 8 ? '::' : ''}/${ipv6PrefixLength}`
}

/** `clientKey` with the deployment's prefix length: the one function every limit keys with. */
export type ClientKey = (address: string) => string

export const clientKeyWith =
  (ipv6PrefixLength: number): ClientKey =>
  (address) =>
    clientKey(address, ipv6PrefixLength)
