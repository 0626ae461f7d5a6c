import type { Me } from '../api/types';
import { useRoute } from '../router';
import { can, signOut } from '../state/session';
import { ConnectionBadge } from './connection-badge';
import { Link } from './link';

/** The top bar: where to go, who is signed in, and whether live updates are flowing. */
export function Nav({ me }: { me: Me }) {
  const { path } = useRoute();
  const links: [string, string][] = [
    ['/', 'Agents'],
    ['/teams', 'Teams'],
    ['/alerts', 'Alerts'],
    ['/logs', 'Logs'],
    ['/volumes', 'Volumes'],
    ['/audit', 'Audit'],
    ['/templates', 'Templates'],
    ...(can(me, 'admin')
      ? ([
          ['/users', 'Users'],
          ['/tokens', 'Tokens'],
        ] as [string, string][])
      : []),
  ];
  const current = (href: string) => (href === '/' ? path === '/' || path.startsWith('/agents') : path.startsWith(href));
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="Main">
        <span class="brand">SACP</span>
        {links.map(([href, label]) => (
          <Link key={href} href={href} aria-current={current(href) ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <div class="who">
        <ConnectionBadge />
        <span class="small" data-testid="whoami" data-role={me.role}>
          {me.name} <span class="muted">({me.role})</span>
        </span>
        <button type="button" class="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
