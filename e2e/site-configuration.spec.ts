import { expect, recordedInteraction, startChat, test } from './fixtures.ts'

test("the site's data-extra and zchat('extra') reach zChat with their keys intact, and the page's query does not", async ({
  openSite,
  stack,
}) => {
  // The site owner's snippet carries data-extra (the demo page takes snippet options from its
  // query); the page's own address carries a token in its query and fragment.
  const extra = JSON.stringify({ clientId: 'c-1', botId: 'b-9', widget_channel: 'forged' })
  const visitor = await openSite(
    `checkout?extra=${encodeURIComponent(extra)}&reset_token=s3cr3t#pay`,
  )
  // The site's extra is checked when the chat starts: the warning comes then.
  const warnings: string[] = []
  visitor.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })
  await visitor.evaluate(() =>
    (window as unknown as { zchat: (...args: unknown[]) => void }).zchat('extra', { plan: 'gold' }),
  )
  await startChat(visitor, 'Where is my order?')

  const started = await recordedInteraction(stack, 'Where is my order?')
  expect(started.extra).toEqual({
    clientId: 'c-1',
    botId: 'b-9',
    plan: 'gold',
    widget_channel: 'web',
    // Nobody vouched for this visitor: what the agent reads of them is what they typed.
    widget_identity_verified: false,
    widget_page_url: `${stack.demoUrl}checkout`,
    widget_page_title: expect.any(String),
  })
  // The forged key was left out with one clear warning; the widget works on.
  expect(warnings.some((text) => /\[zchat\].*widget_channel/.test(text))).toBe(true)
})
