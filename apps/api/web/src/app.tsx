import { useEffect } from 'preact/hooks';
import type { Me } from './api/types';
import { Nav } from './components/nav';
import { AgentDetailPage } from './pages/agent-detail';
import { AgentsPage } from './pages/agents';
import { AlertsPage } from './pages/alerts';
import { AuditPage } from './pages/audit';
import { LogsPage } from './pages/logs';
import { VolumesPage } from './pages/volumes';
import { SignInPage } from './pages/sign-in';
import { TemplateDetailPage } from './pages/template-detail';
import { TeamDetailPage } from './pages/team-detail';
import { TeamsPage } from './pages/teams';
import { TemplatesPage } from './pages/templates';
import { TokensPage } from './pages/tokens';
import { UsersPage } from './pages/users';
import { match, useRoute } from './router';
import { followFleet } from './state/fleet';
import { can, loadSession, session } from './state/session';
import { useStore } from './state/store';

function Page({ me }: { me: Me }) {
  const { path } = useRoute();
  let m: Record<string, string> | null;
  if (match('/', path)) return <AgentsPage me={me} />;
  if ((m = match('/agents/:name', path))) return <AgentDetailPage key={m.name} name={m.name!} me={me} />;
  if (match('/teams', path)) return <TeamsPage />;
  if ((m = match('/teams/:name', path))) return <TeamDetailPage key={m.name} name={m.name!} me={me} />;
  if (match('/alerts', path)) return <AlertsPage me={me} />;
  if (match('/audit', path)) return <AuditPage />;
  if (match('/logs', path)) return <LogsPage />;
  if (match('/volumes', path)) return <VolumesPage me={me} />;
  if (match('/templates', path)) return <TemplatesPage />;
  if ((m = match('/templates/:name', path))) return <TemplateDetailPage key={m.name} name={m.name!} />;
  if (match('/users', path) && can(me, 'admin')) return <UsersPage me={me} />;
  if (match('/tokens', path) && can(me, 'admin')) return <TokensPage />;
  return (
    <main id="main" class="page">
      <h1>Not found</h1>
      <p>Nothing lives at {path}.</p>
    </main>
  );
}

function SignedIn({ me }: { me: Me }) {
  useEffect(() => followFleet(), []);
  return (
    <>
      <Nav me={me} />
      <Page me={me} />
    </>
  );
}

export function App() {
  const s = useStore(session);
  useEffect(() => void loadSession(), []);
  if (s.status === 'loading') return <p class="page muted">Loading…</p>;
  if (s.status === 'signed-out') return <SignInPage notice={s.notice} />;
  return <SignedIn me={s.me} />;
}
