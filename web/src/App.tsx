import { useCallback, useEffect, useState } from 'react'
import { api, post, whenLoggedOut } from './api'
import { KeysHelp } from './components/KeysHelp'
import { PasswordDialog } from './components/PasswordDialog'
import { useGoTo, useHotkeys } from './keys'
import { AlertDetailPage } from './pages/AlertDetailPage'
import { AlertQueuePage } from './pages/AlertQueuePage'
import { BriefPage } from './pages/BriefPage'
import { IncidentPage } from './pages/IncidentPage'
import { IncidentsPage } from './pages/IncidentsPage'
import { LoginPage } from './pages/LoginPage'
import { OverviewPage } from './pages/OverviewPage'
import { RcaPage } from './pages/RcaPage'
import { RulesPage } from './pages/RulesPage'
import { SourcesPage } from './pages/SourcesPage'
import { TuningPage } from './pages/TuningPage'
import { Link, match, navigate, useLocation } from './router'
import type { Me } from './types'

const NAV = [
  { to: '/alerts', label: 'Alerts', key: 'a' },
  { to: '/incidents', label: 'Incidents', key: 'i' },
  { to: '/brief', label: 'Brief', key: 'b' },
  { to: '/overview', label: 'Overview', key: 'o' },
  { to: '/sources', label: 'Sources', key: 's' },
  { to: '/rules', label: 'Rules', key: 'r' },
  { to: '/tuning', label: 'Tuning', key: 't' },
]

function Page({ path, me }: { path: string; me: Me }) {
  let params = match('/alerts/:id', path)
  if (params) return <AlertDetailPage id={Number(params.id)} me={me} />
  params = match('/incidents/:id/rca', path)
  if (params) return <RcaPage incidentId={Number(params.id)} />
  params = match('/incidents/:id', path)
  if (params) return <IncidentPage id={Number(params.id)} />
  if (match('/incidents', path)) return <IncidentsPage />
  if (match('/brief', path)) return <BriefPage />
  if (match('/overview', path)) return <OverviewPage />
  if (match('/sources', path)) return <SourcesPage />
  if (match('/rules', path)) return <RulesPage me={me} />
  if (match('/tuning', path)) return <TuningPage me={me} />
  return <AlertQueuePage me={me} />
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const { path } = useLocation()

  const loadMe = useCallback(() => {
    api<Me>('/auth/me')
      .then(setMe)
      .catch(() => setMe(null))
  }, [])
  useEffect(() => {
    whenLoggedOut(() => setMe(null))
    loadMe()
  }, [loadMe])

  const [dialog, setDialog] = useState<'keys' | 'password' | null>(null)
  useHotkeys({ '?': () => setDialog('keys') }, Boolean(me) && dialog === null)
  useGoTo(Object.fromEntries(NAV.map((item) => [item.key, () => navigate(item.to)])), Boolean(me))

  if (me === undefined) return <div className="splash">Loading…</div>
  if (me === null) return <LoginPage onLogin={loadMe} />

  const logout = async () => {
    await post('/auth/logout').catch(() => undefined)
    setMe(null)
  }
  const section = `/${path.split('/')[1] ?? ''}`
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Watchfloor</div>
        {NAV.map((item) => (
          <Link
            key={item.to}
            to={item.to}
            className={section === item.to || (section === '/' && item.to === '/alerts') ? 'active' : ''}
          >
            {item.label}
          </Link>
        ))}
        <div className="sidebar-foot">
          <span title={me.role}>{me.name}</span>
          <button type="button" className="link" onClick={() => setDialog('password')}>
            Password
          </button>
          <button type="button" className="link" onClick={logout}>
            Log out
          </button>
          <button type="button" className="link" onClick={() => setDialog('keys')}>
            Keys <kbd>?</kbd>
          </button>
        </div>
      </nav>
      <main className="content">
        {me.user?.mustChangePassword && (
          <div className="banner">
            This account still has its first password.{' '}
            <button type="button" className="link" onClick={() => setDialog('password')}>
              Change it now
            </button>
          </div>
        )}
        <Page path={path} me={me} />
      </main>
      {dialog === 'keys' && <KeysHelp onClose={() => setDialog(null)} />}
      {dialog === 'password' && (
        <PasswordDialog
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null)
            loadMe()
          }}
        />
      )}
    </div>
  )
}
