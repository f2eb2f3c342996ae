/**
 * A conversation erased from Redis (a visitor's or an operator's request, routes/erasure.ts): its
 * stream, state hash and de-duplication keys, and its entries in the shared relay stream. The relay
 * is trimmed by length only (RedisLogOptions.relayLength), so on a quiet deployment it may hold a
 * conversation's messages for days: they are looked for and deleted too, a page at a time so that no
 * one script holds Redis up for long.
 */
import type { Send } from './send.ts'

type RunScript = (script: string, keys: string[], args: string[]) => Promise<unknown>

/**
 * KEYS: relay. ARGV: conversation id, first entry id to look at, page size. Deletes the page's
 * entries of the conversation (field `c`, written first by the append script); returns the id of
 * the page's last entry ('' when it was the relay's last page) and how many were deleted.
 */
const relayPageScript = `
local page = redis.call('XRANGE', KEYS[1], ARGV[2], '+', 'COUNT', ARGV[3])
local gone = {}
for _, entry in ipairs(page) do
  local fields = entry[2]
  if fields[1] == 'c' and fields[2] == ARGV[1] then gone[#gone + 1] = entry[1] end
end
if #gone > 0 then redis.call('XDEL', KEYS[1], unpack(gone)) end
if #page < tonumber(ARGV[3]) then return {'', #gone} end
return {page[#page][1], #gone}
`

/** Entries the relay script looks at per call: a millisecond or two of Redis's time. */
const pageSize = 1000

/** The stream entry id right after `id` (`ms-seq`): where the next page starts. */
function after(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-')
  return `${ms}-${Number(seq) + 1}`
}

/** Deletes the conversation's keys and relay entries; resolves with how many events it held. */
export async function eraseFromRedis(
  { send, run }: { send: Send; run: RunScript },
  conversation: string[],
  relayKey: string,
  conversationId: string,
): Promise<number> {
  const [events] = conversation
  const held = Number(await send(['XLEN', events!]))
  await send(['DEL', ...conversation])
  for (let from = '-'; from !== ''; ) {
    const reply = await run(relayPageScript, [relayKey], [conversationId, from, String(pageSize)])
    const last = Array.isArray(reply) ? String(reply[0] ?? '') : ''
    from = last && after(last)
  }
  return held
}
