# The production proxy, serving the built widget. scripts/production-install.test.ts replays the
# runtime stage (its COPYs, npm ci, ENV, CMD and HEALTHCHECK) on every `npm test`, so edit both together.
#
#   docker build -t zchat-proxy .
#   docker run --rm -p 8787:8787 -e ZCHAT_TOKEN=... -e ZCHAT_WEBHOOK_SECRET=... -e SESSION_SECRET=... \
#     -e PUBLIC_URL=https://chat.example.com -e ALLOWED_ORIGINS=https://www.example.com \
#     -e ALLOWED_DEPARTMENTS=1 zchat-proxy

# Node 20 as package.json's engines say (>= 20.19, see docs/decisions/004-node-20-pins.md). Pin a digest
# (node:20.20-slim@sha256:...) for byte-for-byte rebuilds.
ARG NODE_IMAGE=node:20.20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first: this layer is reused until the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# V8's old space capped for the 512 MB container the defaults fit (docs/operations.md, Sizing), so
# garbage does not build up to a limit set from the host's memory. A bigger container: raise both
# EVENT_LOG_MAX_BYTES and this (docker run -e NODE_OPTIONS=--max-old-space-size=...).
# glibc's allocator held to one arena: by default each thread that allocates (V8's compiler and
# collector threads, libuv's pool for files and crypto) gets one, up to 8 per core, and memory freed in
# one is not reused by the others; the optimizing compiler's working memory, taken and freed on its
# own threads for minutes as functions get hot, then kept RSS climbing for about six minutes on an
# instance restarted under load. With one arena every instance is at its level within a minute or
# two and grows under 1 MB a minute after it, the throughput bench unchanged (docs/benchmarks.md, Soak).
ENV NODE_OPTIONS="--max-old-space-size=384" MALLOC_ARENA_MAX=1
WORKDIR /app
COPY package.json package-lock.json ./
# Only what the server imports; no install scripts run (none of the dependencies needs one).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The files stay root's: the server only reads them. It writes two folders: MEDIA_DIR (default .media,
# so /app/.media), visitors' uploads, and LEAVE_MESSAGE_DEAD_LETTER_DIR (default .dead-letters), left
# messages the site never took, when there is no REDIS_URL. Mount a volume on each, one that every
# instance shares.
RUN mkdir -p /app/.media /app/.dead-letters && chown node:node /app/.media /app/.dead-letters
VOLUME /app/.media /app/.dead-letters
USER node
# Inside a container the proxy must listen on every interface (its default is loopback).
ENV HOST=0.0.0.0 PORT=8787
EXPOSE 8787
# Slim images have no curl; Node 20 has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# main.js drains on SIGTERM: streams are told to reconnect, calls in flight are answered, exit 0.
# Exec form, so node is PID 1 and gets the signal itself.
STOPSIGNAL SIGTERM
# The young generation at its full 16 MB from the start (V8 takes this flag on the command line only):
# under load RSS does not climb through its doublings for minutes (docs/benchmarks.md, Soak).
CMD ["node", "--min-semi-space-size=16", "dist/proxy/main.js"]
