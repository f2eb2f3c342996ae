/**
 * The agent console: one self-contained page (inline CSS and vanilla JS, no build step) that a
 * person uses to play the agent and Playwright drives by role and accessible name.
 */
import { script } from './console-script.ts'
import { style } from './console-style.ts'

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
    // Visitors' files live on the proxy's origin (or wherever PUBLIC_URL points).
    "img-src 'self' http: https:",
    'media-src http: https:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
