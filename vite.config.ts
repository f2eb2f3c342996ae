/**
 * Two builds, run in order by `npm run build`:
 *   vite build               widget/chat/mount.tsx -> dist/widget/chat/chat-[hash].js (ES module) + manifest
 *   vite build --mode loader widget/loader.ts      -> dist/widget/widget.js (classic-script IIFE)
 * The loader build reads the first build's manifest and injects the chat's hashed file name, so
 * widget.js (short cache) always points at an immutable, long-cached chat chunk, and the files the
 * chat's first open needs beside it (scripts/first-open.ts), which the loader asks for at once. The
 * proxy serves dist/widget/chat/* at /widget/* and dist/widget/widget.js at /widget.js.
 */
import { readFileSync } from 'node:fs'
import { defineConfig, type Manifest, type Plugin, type UserConfig } from 'vite'
import { routes } from './protocol/wire.ts'
import { chatEntry, type FirstOpen, firstOpen } from './scripts/first-open.ts'

const chatOutDir = 'dist/widget/chat'
const preactOrEntry =
  /[\\/]node_modules[\\/](preact|@preact[\\/][^\\/]+)[\\/]|[\\/]widget[\\/]chat[\\/]mount\.tsx$/

const shared: UserConfig = { publicDir: false }

/**
 * The chat's JSX as Preact's `h(type, props, ...children)`: the automatic runtime (tsconfig.json's,
 * for the type checker and the tests) writes every element's children into its props
 * (`jsx(type, {..., children})`), about 0.2 KB gzipped more over the chat's elements, and a module
 * of its own. Same elements, same Preact: only the calls differ.
 */
const chatJsx: UserConfig['oxc'] = {
  jsx: { runtime: 'classic', pragma: 'jsxH', pragmaFrag: 'JsxFragment' },
  jsxInject: "import { h as jsxH, Fragment as JsxFragment } from 'preact'",
}

function chatFiles(): FirstOpen {
  const path = `${chatOutDir}/.vite/manifest.json`
  let manifest: Manifest
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest
  } catch {
    throw new Error(
      `${path} is missing: run \`vite build\` (the chat) before \`vite build --mode loader\``,
    )
  }
  return firstOpen(manifest)
}

/**
 * Vite wraps each import() of the chat in a helper that would preload the chunk's CSS and imports
 * (about 0.6 KB gzipped of the chat on open), and does so with `modulePreload: false` too, with no
 * files to preload: the chat has no CSS files, and what its first open needs the loader asks for.
 * Its two plugins are taken out of the chat build, so each import() stays the browser's own: a
 * stand-in helper (`(load) => load()`) still cost a wrapper round every import(), and Rolldown put it
 * in a chunk of its own once English became a chunk (a second request to open the chat). Vite's
 * resolved plugin list is read-only in its types only; a rename of either plugin stops the build
 * here rather than letting the helper back in unseen.
 */
const plainImports: Plugin = {
  name: 'zchat-plain-imports',
  configResolved(config) {
    const plugins = config.plugins as Plugin[]
    for (const name of ['vite:build-import-analysis', 'native:import-analysis-build']) {
      const at = plugins.findIndex((plugin) => plugin.name === name)
      if (at < 0) throw new Error(`vite.config.ts: Vite has no plugin ${name} to take out`)
      plugins.splice(at, 1)
    }
  },
}

/**
 * Files shipped beside the loader as they are: the page API's types (dist/widget/zchat.d.ts) and the
 * queue stub for pages whose CSP forbids inline scripts (served at /widget/stub.js).
 */
const shipAsIs: Plugin = {
  name: 'zchat-ship-as-is',
  generateBundle() {
    for (const [from, fileName] of [
      ['widget/zchat.d.ts', 'zchat.d.ts'],
      ['widget/loader/stub.js', 'chat/stub.js'],
    ] as const)
      this.emitFile({ type: 'asset', fileName, source: readFileSync(from, 'utf8') })
  },
}

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'loader') {
    return {
      ...shared,
      define: (() => {
        const { entry, onOpen: _, all, ...beside } = chatFiles()
        // Relative to the chat's own: what every first open needs (its files, and the config,
        // routes.config, that its first call reads), then by the page's language, `prechat`, `live`.
        return {
          __ZCHAT_CHAT_FILE__: JSON.stringify(entry),
          __ZCHAT_FIRST_OPEN__: JSON.stringify({ all: [...all, `..${routes.config}`], ...beside }),
        }
      })(),
      plugins: [shipAsIs],
      build: {
        outDir: 'dist/widget',
        // The chat build wrote into dist/widget/chat: keep it.
        emptyOutDir: false,
        target: 'es2020',
        minify: true,
        rolldownOptions: {
          output: {
            minify: {
              // The loader's own property names, shortened. Never a command's name (the page's
              // zchat('toggle') looks it up by its string) nor anything the chat chunk reads.
              mangleProps: { include: /^(setBusy|button|emit|zchat|preload)$/ },
            },
          },
        },
        // Library mode: an app build would wrap the chat's import() in Vite's preload helper.
        // The loader has no exports, so the IIFE defines no global despite `name`.
        lib: {
          entry: 'widget/loader.ts',
          formats: ['iife'],
          name: 'zchatLoader',
          fileName: () => 'widget.js',
        },
      },
    }
  }
  return {
    ...shared,
    oxc: chatJsx,
    plugins: [plainImports],
    build: {
      outDir: chatOutDir,
      // Only this build writes here; clearing it drops chunks of earlier builds.
      emptyOutDir: true,
      manifest: true,
      target: 'es2022',
      minify: true,
      modulePreload: false,
      rolldownOptions: {
        input: { chat: chatEntry },
        // The loader calls the entry's `mount` export: an app build would drop it.
        preserveEntrySignatures: 'allow-extension',
        // Class fields as plain assignments (none of ours has a setter above it): lowered, they
        // would share a defineProperty helper, which Rolldown put in a chunk of its own once two
        // chunks needed it (the chat and ky's part, issue 19): a second request to open the chat.
        transform: { assumptions: { setPublicClassFields: true } },
        output: {
          format: 'es',
          // Preact in the chat's own chunk, always: Rolldown otherwise moves it into a chunk of its
          // own (a second request to open the chat) once a part holds JSX that nothing in the chat
          // imports (the log's media, in the stream's part), and it will not merge that chunk back.
          // Naming the entry's chunk puts the entry in it too.
          manualChunks: (id) => (preactOrEntry.test(id) ? 'chat' : null),
          entryFileNames: '[name]-[hash:6].js',
          chunkFileNames: '[name]-[hash:6].js',
        },
      },
    },
  }
})
