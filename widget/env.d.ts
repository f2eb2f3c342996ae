/** Injected by vite.config.ts (loader build): the chat entry's hashed file name under /widget/. */
declare const __ZCHAT_CHAT_FILE__: string
/**
 * Injected by vite.config.ts (loader build): what the chat's first open needs beside the chat entry,
 * as paths under /widget/ on the proxy: `all` for every first open (the chat's static imports, the
 * config), the page's language's part, then `prechat` for a new conversation or `live` (the stream's
 * part) for one going on, and `identity` on a page that has said who the visitor is.
 */
declare const __ZCHAT_FIRST_OPEN__: Record<
  'all' | 'prechat' | 'live' | 'identity' | 'en' | 'pt-BR' | 'es',
  string[]
>
