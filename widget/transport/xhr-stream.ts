/**
 * The event stream read from XMLHttpRequest's progress events, for pages whose `fetch` cannot stream
 * (events.ts). XHR keeps the whole response in responseText, so past a megabyte the request is
 * aborted: events.ts reconnects and resumes after the last event id, as after any drop.
 */

/** An opened response: its status, and its body as text chunks until it ends. */
export type Opened = { status: number; read?: (push: (text: string) => void) => Promise<void> }

const maxChars = 1 << 20

export function openXhrStream(
  request: XMLHttpRequest,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Opened> {
  return new Promise((resolve, reject) => {
    let taken = 0
    let push: ((text: string) => void) | undefined
    let end: (() => void) | undefined
    const fail = () => {
      reject(new Error('event stream failed'))
      end?.()
    }
    const take = () => {
      const text = request.responseText
      if (push && text.length > taken) push(text.slice(taken))
      taken = text.length
      if (taken > maxChars) request.abort()
    }
    request.open('GET', url)
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value)
    request.onreadystatechange = () => {
      if (request.readyState !== 2) return
      resolve({
        status: request.status,
        read: (p) => {
          push = p
          take()
          return new Promise((done) => {
            end = done
          })
        },
      })
    }
    request.onprogress = take
    request.onload = () => {
      take()
      end?.()
    }
    request.onerror = request.onabort = fail
    signal.addEventListener('abort', () => request.abort())
    request.send()
  })
}
