/**
 * The agent console: one self-contained page (inline CSS and vanilla JS, no build step) that a
 * person uses to play the agent and Playwright drives by role and accessible name.
 *
 * Every piece of data is written with textContent: the visitor's text is hostile input. Each
 * interaction keeps its own DOM, and stream updates touch only the parts that show data, so a
 * half-typed reply survives them. The script avoids backticks so it can live in this template.
 */

const style = `
  :root { font: 15px/1.45 system-ui, sans-serif; color: #1d232a; background: #f3f5f7; }
  body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
  header.page { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  #connection { color: #5b6670; margin: 0; }
  article { background: #fff; border: 1px solid #d4dae0; border-left: 6px solid #8a96a3;
    border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
  article[data-state='queued'] { border-left-color: #d99a00; }
  article[data-state='accepted'] { border-left-color: #1f8a4c; }
  article[data-state='finished'], article[data-state='unavailable'] { opacity: .8; }
  h2 { font-size: 1.15rem; margin: 0; }
  h3 { font-size: .95rem; margin: .75rem 0 .25rem; }
  .state { font-weight: 600; margin: .25rem 0; }
  .meta, .empty, time { color: #5b6670; font-size: .85rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0; }
  dt { color: #5b6670; } dd { margin: 0; overflow-wrap: anywhere; }
  pre { background: #f3f5f7; padding: .5rem; border-radius: 4px; overflow: auto; margin: 0; }
  ul { list-style: none; padding: 0; margin: 0; }
  li { padding: .3rem .5rem; border-radius: 6px; margin: .25rem 0; overflow-wrap: anywhere; }
  li.CLIENT { background: #eef1f4; margin-right: 20%; }
  li.AGENT { background: #e3f4ea; margin-left: 20%; }
  .history li { background: #f7f7f2; }
  .who { font-weight: 600; margin-right: .4rem; }
  .typing { font-style: italic; color: #1f6f8a; }
  .actions, form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .75rem; }
  label { display: flex; flex-direction: column; font-size: .85rem; gap: .15rem; }
  label.reply { flex: 1 1 16rem; }
  input, select, button { font: inherit; padding: .35rem .6rem; }
  button { border: 1px solid #8a96a3; border-radius: 6px; background: #fff; cursor: pointer; }
  button:disabled { opacity: .45; cursor: default; }
  .error { color: #b3261e; margin: .5rem 0 0; }
  .error:empty { display: none; }
`

const script = String.raw`
(() => {
  'use strict'
  const container = document.getElementById('interactions')
  const empty = document.getElementById('empty')
  const connection = document.getElementById('connection')
  const cards = new Map()

  function el(tag, attributes, text) {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value)
    if (text !== undefined) node.textContent = text
    return node
  }
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text
  }
  // Only web links become clickable: a javascript: URL from a visitor must stay inert text.
  function isWebUrl(url) {
    return /^https?:\/\//i.test(url)
  }
  function nameOf(interaction) {
    const name = interaction.customer && interaction.customer.name
    return typeof name === 'string' && name.trim() !== '' ? name : 'Anonymous visitor'
  }
  function stateText(interaction) {
    switch (interaction.state) {
      case 'queued':
        return interaction.position === null ? 'Queued' : 'Queued · position ' + interaction.position
      case 'accepted': return 'Accepted'
      case 'finished': return 'Finished'
      case 'unavailable': return 'Unavailable'
      default: return String(interaction.state)
    }
  }
  function time(at) {
    const date = new Date(at)
    return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleTimeString()
  }
  function rows(pairs) {
    const nodes = []
    for (const [label, value] of pairs) {
      if (value === undefined || value === null || value === '') continue
      nodes.push(el('dt', {}, label), el('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)))
    }
    return nodes
  }

  async function act(card, action, body) {
    setText(card.error, '')
    try {
      const response = await fetch('/control/interactions/' + encodeURIComponent(card.hash) + '/' + action, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body || {}),
      })
      if (response.ok) return true
      const problem = await response.json().catch(() => null)
      setText(card.error, (problem && problem.message) || 'The emulator answered HTTP ' + response.status)
    } catch {
      setText(card.error, 'The emulator could not be reached')
    }
    return false
  }

  function createCard(hash) {
    const card = { hash, seen: new Set() }
    card.article = el('article')
    const head = el('header')
    card.title = el('h2')
    card.state = el('p', { class: 'state' })
    card.agentTyping = el('p', { class: 'meta' }, 'You are typing (the visitor sees it)')
    card.meta = el('p', { class: 'meta' })
    head.append(card.title, card.state, card.agentTyping, card.meta)

    card.customer = el('dl', { 'aria-label': 'Customer' })
    card.extra = el('pre', { 'aria-label': 'Extra' })
    card.rating = el('dl', { 'aria-label': 'Rating' })
    card.ratingHeading = el('h3', {}, 'Rating')

    card.history = el('section', { class: 'history' })
    card.historyList = el('ul', { role: 'list', 'aria-label': 'Earlier history' })
    card.historyStatus = el('p', { class: 'empty' })
    card.history.append(el('h3', {}, 'Earlier history'), card.historyStatus, card.historyList)

    card.messages = el('ul', { role: 'list', 'aria-label': 'Messages' })
    card.noMessages = el('p', { class: 'empty' }, 'No messages yet.')
    card.typing = el('p', { class: 'typing' }, 'Visitor is typing…')

    const actions = el('div', { class: 'actions' })
    card.buttons = {}
    const buttons = [
      ['Accept', 'accept'],
      ['Start typing', 'typing'],
      ['Stop typing', 'cleared'],
      ['Finish', 'finish'],
      ['Unavailable', 'unavailable'],
    ]
    for (const [label, action] of buttons) {
      const button = el('button', { type: 'button' }, label)
      button.addEventListener('click', () => act(card, action))
      card.buttons[action] = button
      actions.append(button)
    }

    // A form, so Enter in Reply sends (and does nothing while Send is disabled).
    const form = el('form')
    const replyLabel = el('label', { class: 'reply' }, 'Reply')
    card.reply = el('input', { type: 'text', autocomplete: 'off' })
    replyLabel.append(card.reply)
    const typeLabel = el('label', {}, 'Media type')
    card.type = el('select')
    for (const type of ['text', 'image', 'video', 'audio', 'file']) card.type.append(el('option', { value: type }, type))
    typeLabel.append(card.type)
    const urlLabel = el('label', {}, 'Media URL')
    card.url = el('input', { type: 'url', autocomplete: 'off', placeholder: 'https://…' })
    urlLabel.append(card.url)
    card.send = el('button', { type: 'submit' }, 'Send')
    form.append(replyLabel, typeLabel, urlLabel, card.send)
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      if (card.send.disabled) return
      const body = { content: card.reply.value, type: card.type.value }
      if (card.url.value.trim() !== '') body.url = card.url.value.trim()
      if (await act(card, 'messages', body)) {
        card.reply.value = ''
        card.url.value = ''
        card.type.value = 'text'
      }
    })

    card.error = el('p', { class: 'error', role: 'alert' })
    card.article.append(
      head,
      el('h3', {}, 'Customer'), card.customer,
      el('h3', {}, 'Extra'), card.extra,
      card.history,
      card.ratingHeading, card.rating,
      el('h3', {}, 'Messages'), card.noMessages, card.messages,
      card.typing, actions, form, card.error,
    )
    return card
  }

  function renderMessage(interaction, message) {
    const item = el('li', { class: message.direction })
    const who = message.direction === 'CLIENT' ? 'Visitor' : (interaction.agent && interaction.agent.name) || 'Agent'
    item.append(el('span', { class: 'who' }, who), el('span', { class: 'content' }, message.content))
    if (message.url) {
      item.append(document.createTextNode(' '), el('span', { class: 'meta' }, '[' + message.type + '] '))
      const link = isWebUrl(message.url)
        ? el('a', { href: message.url, target: '_blank', rel: 'noopener noreferrer' }, message.url)
        : el('span', {}, message.url)
      item.append(link)
    }
    item.append(document.createTextNode(' '), el('time', { datetime: message.at }, time(message.at)))
    return item
  }

  function renderHistory(card, history) {
    card.history.hidden = history === null
    if (history === null) return
    if (history.messages) {
      setText(card.historyStatus, history.messages.length === 0 ? 'The history is empty.' : '')
      if (card.historyList.childElementCount === 0) {
        for (const entry of history.messages) {
          const item = el('li')
          item.append(
            el('span', { class: 'who' }, entry.direction === 'CLIENT' ? 'Visitor' : 'Agent'),
            el('span', {}, entry.content),
            document.createTextNode(' '),
            el('time', {}, entry.time),
          )
          card.historyList.append(item)
        }
      }
    } else {
      setText(card.historyStatus, history.error ? 'Could not load it: ' + history.error : 'Loading ' + history.url + '…')
    }
  }

  function update(card, interaction) {
    const name = nameOf(interaction)
    card.article.setAttribute('aria-label', 'Interaction with ' + name)
    card.article.dataset.state = interaction.state
    setText(card.title, name)
    setText(card.state, stateText(interaction))
    card.agentTyping.hidden = !interaction.agentTyping
    setText(card.meta, [
      'Department ' + interaction.departmentId,
      interaction.mediaType,
      interaction.agent ? 'Agent: ' + interaction.agent.name : 'No agent yet',
      'Started ' + time(interaction.createdAt),
      interaction.hash,
    ].join(' · '))

    const customer = interaction.customer || {}
    card.customer.replaceChildren(...rows(Object.entries(customer)))
    if (card.customer.childElementCount === 0) card.customer.append(el('dt', {}, 'No customer data'))
    setText(card.extra, JSON.stringify(interaction.extra, null, 2))
    renderHistory(card, interaction.externalHistory)

    const rating = rows([
      ['Mood', interaction.mood],
      ['Note', interaction.note],
      ['Tags', interaction.tagIds.length ? interaction.tagIds.join(', ') : null],
      ['Customer key', interaction.customerKey],
    ])
    card.rating.replaceChildren(...rating)
    card.rating.hidden = card.ratingHeading.hidden = rating.length === 0

    for (const message of interaction.messages) {
      if (card.seen.has(message.hash)) continue
      card.seen.add(message.hash)
      card.messages.append(renderMessage(interaction, message))
    }
    card.noMessages.hidden = interaction.messages.length > 0
    card.typing.hidden = !interaction.visitorTyping

    const queued = interaction.state === 'queued'
    const accepted = interaction.state === 'accepted'
    card.buttons.accept.disabled = !queued
    card.buttons.typing.disabled = !accepted || interaction.agentTyping
    card.buttons.cleared.disabled = !accepted || !interaction.agentTyping
    card.buttons.finish.disabled = !(queued || accepted)
    card.buttons.unavailable.disabled = !queued
    card.send.disabled = !accepted
  }

  function render(interactions) {
    const newestFirst = interactions.slice().reverse()
    const present = new Set(newestFirst.map((interaction) => interaction.hash))
    for (const [hash, card] of cards) {
      if (present.has(hash)) continue
      card.article.remove()
      cards.delete(hash)
    }
    newestFirst.forEach((interaction, index) => {
      let card = cards.get(interaction.hash)
      if (!card) {
        card = createCard(interaction.hash)
        cards.set(interaction.hash, card)
      }
      update(card, interaction)
      // Existing cards never move relative to each other, so focus inside them is never lost.
      const here = container.children[index] || null
      if (here !== card.article) container.insertBefore(card.article, here)
    })
    empty.hidden = interactions.length > 0
  }

  const source = new EventSource('/control/stream')
  source.onopen = () => setText(connection, 'Live')
  source.onerror = () => setText(connection, 'Disconnected, reconnecting…')
  source.onmessage = (event) => render(JSON.parse(event.data))
})()
`

/** The page; `nonce` lets exactly this inline script and style run under the page's CSP. */
export function consolePage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zChat emulator · Agent console</title>
<style nonce="${nonce}">${style}</style>
</head>
<body>
<header class="page">
<h1>zChat emulator · Agent console</h1>
<p id="connection" role="status">Connecting…</p>
</header>
<main>
<p id="empty" class="empty">No interactions yet. Start one through the API (POST /core/api/v1/interactions).</p>
<div id="interactions"></div>
</main>
<script nonce="${nonce}">${script}</script>
</body>
</html>
`
}

export function consoleSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
