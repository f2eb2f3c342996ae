/**
 * The agent console's script: vanilla JS, inlined into the page, no build step.
 *
 * Every piece of data is written with textContent: the visitor's text is hostile input. Each
 * interaction keeps its own DOM, and stream updates touch only the parts that show data, so a
 * half-typed reply (and its focus) survives them. String.raw keeps the regex escapes intact; the
 * script avoids backticks and `${` so it can live in this template.
 */
export const script = String.raw`
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
  // Where the agent's answers go: the start's media_type (null is saved as TEXT, the web chat).
  // WhatsApp and SMS answer at the customer's phone, so it is named with them.
  function channelText(interaction) {
    const names = { TEXT: 'Web chat', WHATSAPP: 'WhatsApp', SMS: 'SMS' }
    const name = names[interaction.mediaType] || String(interaction.mediaType)
    const phone = interaction.customer && interaction.customer.phone
    return 'Channel: ' + name + (interaction.mediaType !== 'TEXT' && phone ? ' at ' + phone : '')
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
      const typed = { reply: card.reply.value, url: card.url.value, type: card.type.value }
      const body = { content: typed.reply, type: typed.type }
      if (typed.url.trim() !== '') body.url = typed.url.trim()
      // Cleared now, not when the answer comes: the agent may already be typing the next reply.
      card.reply.value = ''
      card.url.value = ''
      card.type.value = 'text'
      if (!(await act(card, 'messages', body)) && card.reply.value === '' && card.url.value === '') {
        card.reply.value = typed.reply
        card.url.value = typed.url
        card.type.value = typed.type
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

  function link(href, text) {
    return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text)
  }

  /** What an agent's screen shows of a file: the picture, a player, or a link to open it. */
  function renderMedia(message) {
    const box = el('div', { class: 'media' })
    if (message.type === 'image') {
      box.append(el('img', { src: message.url, alt: message.content || 'Image from the visitor' }))
    } else if (message.type === 'video' || message.type === 'audio') {
      box.append(el(message.type, { src: message.url, controls: '', preload: 'metadata', 'aria-label': message.content || message.type }))
    }
    box.append(link(message.url, 'Open ' + (message.content || message.type)))
    return box
  }

  function renderMessage(interaction, message) {
    const item = el('li', { class: message.direction })
    const who = message.direction === 'CLIENT' ? 'Visitor' : (interaction.agent && interaction.agent.name) || 'Agent'
    item.append(
      el('span', { class: 'who' }, who + ':'),
      document.createTextNode(' '),
      el('span', { class: 'content' }, message.content),
    )
    if (message.type && message.type !== 'text') {
      item.append(document.createTextNode(' '), el('span', { class: 'meta' }, '[' + message.type + '] '))
      if (!message.url) {
        item.append(el('span', { class: 'error' }, 'sent without a URL: the agent cannot open it'))
      } else if (!isWebUrl(message.url)) {
        item.append(el('span', {}, message.url))
      } else {
        item.append(renderMedia(message))
      }
    } else if (message.url) {
      item.append(document.createTextNode(' '), el('span', { class: 'meta' }, '[' + message.type + '] '))
      item.append(isWebUrl(message.url) ? link(message.url, message.url) : el('span', {}, message.url))
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
            el('span', { class: 'who' }, entry.direction === 'CLIENT' ? 'Visitor:' : 'Agent:'),
            document.createTextNode(' '),
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
      channelText(interaction),
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
