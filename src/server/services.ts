import { SessionsService } from '../auth/sessions.service.js'
import { TokensService } from '../auth/tokens.service.js'
import { UsersService } from '../auth/users.service.js'
import type { Config } from '../config/settings.js'
import type { Store } from '../store/store.js'

/** The service objects, built once per process and shared by routes, workers and the CLI. */
export interface Services {
  store: Store
  users: UsersService
  tokens: TokensService
  sessions: SessionsService
}

export function createServices(store: Store, config: Pick<Config, 'sessionTtlHours'>): Services {
  return {
    store,
    users: new UsersService(store),
    tokens: new TokensService(store),
    sessions: new SessionsService(store, config.sessionTtlHours * 3_600_000),
  }
}
