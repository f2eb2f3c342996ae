/**
 * ky, the HTTP client of the visitor's calls (api.ts): a chunk of its own, fetched by the first call
 * (the proxy's config, right after the chat mounts), so the window draws without waiting for it.
 * Never imported by the loader.
 */
export { default as ky, HTTPError, TimeoutError } from 'ky'
