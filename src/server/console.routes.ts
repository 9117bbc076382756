import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from './context.js'
import { notFoundHandler } from './errors.js'

/** web/dist beside src/ and dist/: the same relative path from src/server and dist/server. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url))

/** Paths that belong to the API or the shippers: an unknown one is a JSON 404, never the console. */
const NOT_CONSOLE = ['/api/', '/es/', '/services/', '/v1/', '/healthz', '/readyz', '/metrics']

/**
 * The console is same-origin only: scripts and styles from our own files, API calls (and the
 * alert stream) back to us, charts drawn on canvas. No inline script or style: React and uPlot
 * set styles through the DOM, which CSP does not restrict.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Watchfloor: console not built</title>
<style>body{background:#0d1117;color:#c9d1d9;font:15px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:40rem}
code{background:#161b22;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>The web console is not built</h1>
<p>The API is running under <code>/api/v1</code>. To build the console, run
<code>npm run build:web</code> (or start with <code>npm start</code>, which builds it) and reload.</p>
</body></html>`

function isHashedAsset(relative: string): boolean {
  return relative.startsWith('assets/')
}

/**
 * Serves the built console (web/dist) at `/`: files as they are, hashed assets cached for a year,
 * and index.html for any other path so client-side routes survive a reload. Only these static
 * routes are public; every API route keeps its own access.
 */
export async function consoleRoutes(app: App, root = CONSOLE_DIST): Promise<void> {
  // Registered on the parent folder, which exists before the console is built (a missing root
  // makes the plugin warn at every start); files are always sent from `root` itself.
  await app.register(fastifyStatic, { root: path.resolve(root, '..'), serve: false, decorateReply: true })

  const sendConsole = async (request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = decodedPath(request.url)
    if (urlPath === undefined) return notFoundHandler(request, reply)
    const apiLike = NOT_CONSOLE.some(
      (prefix) => urlPath.startsWith(prefix) || urlPath === prefix.replace(/\/$/, ''),
    )
    if (apiLike) return notFoundHandler(request, reply)
    void reply.header('content-security-policy', CONSOLE_CSP)
    void reply.header('x-frame-options', 'DENY')
    if (!existsSync(path.join(root, 'index.html'))) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT_PAGE)
    }
    const relative = path.normalize(urlPath).replace(/^[/\\]+/, '')
    const candidate = path.join(root, relative)
    if (relative && candidate.startsWith(root) && isFile(candidate)) {
      if (isHashedAsset(relative)) {
        return reply.sendFile(relative, root, { immutable: true, maxAge: '365d', cacheControl: true })
      }
      return reply.sendFile(relative, root, { cacheControl: true, maxAge: 0 })
    }
    // A client-side route: the app shell, never cached so a new build is picked up at once.
    void reply.header('cache-control', 'no-cache')
    return reply.sendFile('index.html', root, { cacheControl: false })
  }

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, sendConsole)
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, sendConsole)
}

/** The path without its query, percent-decoded; undefined when the encoding is broken. */
function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/')
  } catch {
    return undefined
  }
}

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile()
  } catch {
    return false
  }
}
