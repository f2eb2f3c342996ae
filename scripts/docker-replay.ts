/**
 * Replays a Dockerfile stage on this machine, for production-install.test.ts: WORKDIR becomes a
 * directory, COPY copies from the context or an earlier stage, ENV, USER, EXPOSE, VOLUME,
 * HEALTHCHECK, STOPSIGNAL and CMD are recorded, and each command of a RUN goes to the caller, which
 * decides what running it here means. An instruction it does not know throws.
 */
import { cpSync, mkdirSync, statSync } from 'node:fs'
import { basename, join, posix, relative, sep } from 'node:path'
import { parseCommand, parseCopy, parseEnv, parseHealthcheck, type Stage } from './dockerfile.ts'

/** A stage as replayed: its WORKDIR is a directory on this machine. */
export type Image = {
  workdir: string
  dir: string
  env: Record<string, string>
  user: string | null
  exposed: string[]
  /** VOLUME paths, absolute inside the image. */
  volumes: string[]
  /** What a RUN chown gave to whom (path inside the image -> user[:group]); the replay cannot chown. */
  owners: Record<string, string>
  healthcheck: string[] | null
  stopSignal: string
  cmd: string[] | null
}

/** Where a path inside the image (under WORKDIR) is on this machine. */
export function local(image: Image, path: string) {
  const inside = posix.relative(image.workdir, posix.resolve(image.workdir, path))
  if (inside.startsWith('..'))
    throw new Error(`the replay maps only WORKDIR ${image.workdir}: ${path}`)
  return join(image.dir, inside)
}

/** COPY's rules: a directory's content goes into dest; a file goes into dest/ or becomes dest. */
function copy(sources: string[], dest: string, image: Image) {
  const target = local(image, dest)
  const intoDir = dest.endsWith('/') || dest === '.' || sources.length > 1
  for (const source of sources) {
    const to = statSync(source).isDirectory() || !intoDir ? target : join(target, basename(source))
    cpSync(source, to, { recursive: true, verbatimSymlinks: true })
  }
}

/** RUN a && b: argv per command; anything shell-like is beyond the replay. */
function splitRun(args: string) {
  if (/[;|'"`$<>]|\|\|/.test(args)) throw new Error(`the replay cannot RUN ${args}`)
  return args.split('&&').map((command) => command.trim().split(/\s+/))
}

export type Runner = (argv: string[], image: Image) => Promise<unknown>

export async function replay(
  stage: Stage,
  dir: string,
  context: string,
  built: Map<string, Image>,
  run: Runner,
) {
  const image: Image = {
    workdir: '/',
    dir,
    env: {},
    user: null,
    exposed: [],
    volumes: [],
    owners: {},
    healthcheck: null,
    stopSignal: 'SIGTERM',
    cmd: null,
  }
  mkdirSync(dir, { recursive: true })
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') {
      if (image.workdir !== '/') throw new Error('the replay keeps one WORKDIR per stage')
      image.workdir = posix.resolve('/', args)
    } else if (keyword === 'ENV') Object.assign(image.env, parseEnv(args))
    else if (keyword === 'COPY') {
      const { from, sources, dest } = parseCopy(args)
      const fromStage = from === null ? null : built.get(from)
      if (from !== null && !fromStage) throw new Error(`COPY --from=${from}: no such stage before`)
      copy(
        sources.map((source) => (fromStage ? local(fromStage, source) : join(context, source))),
        dest,
        image,
      )
    } else if (keyword === 'RUN') for (const argv of splitRun(args)) await run(argv, image)
    else if (keyword === 'USER') image.user = args
    else if (keyword === 'EXPOSE') image.exposed.push(...args.split(/\s+/))
    else if (keyword === 'VOLUME')
      image.volumes.push(...args.split(/\s+/).map((path) => posix.resolve(image.workdir, path)))
    else if (keyword === 'HEALTHCHECK') image.healthcheck = parseHealthcheck(args)
    else if (keyword === 'STOPSIGNAL') image.stopSignal = args
    else if (keyword === 'CMD') image.cmd = parseCommand(args)
    else throw new Error(`the replay does not know ${keyword} ${args}`)
  }
  return image
}

/** The build context as Docker sends it: the folder less what .dockerignore names. */
export function copyContext(from: string, to: string, ignored: (path: string) => boolean) {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const path = relative(from, source).split(sep).join('/')
      return path === '' || !ignored(path)
    },
  })
}
