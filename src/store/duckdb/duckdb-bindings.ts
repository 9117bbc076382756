import { createRequire } from 'node:module'
import type bindings from '@duckdb/node-bindings'

const require = createRequire(import.meta.url)

/**
 * DuckDB's C API as `@duckdb/node-api` itself calls it, for the few calls its classes do not
 * offer (assigning a VARCHAR from UTF-8 bytes, see the event store). Loaded from where
 * `@duckdb/node-api` resolves it, never from a copy of our own: handles such as a data chunk's
 * vector belong to that one native module, and a second copy at another version would be handed
 * handles it does not know.
 */
export const duckdbBindings: typeof bindings = createRequire(require.resolve('@duckdb/node-api'))(
  '@duckdb/node-bindings',
)
