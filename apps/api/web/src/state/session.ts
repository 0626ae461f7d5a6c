/** Who is signed in (GET /api/v1/auth/me), and what their role lets the screens show. */
import { api, onSessionLost, setCsrfToken } from '../api/client';
import { live } from '../api/live';
import type { Me, Role } from '../api/types';
import { prefetchFleet } from './fleet';
import { createStore } from './store';

export type Session = { status: 'loading' } | { status: 'signed-out'; notice?: string } | { status: 'signed-in'; me: Me };

export const session = createStore<Session>({ status: 'loading' });

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export const can = (me: Me, role: Role): boolean => RANK[me.role] >= RANK[role];

export async function loadSession(): Promise<void> {
  prefetchFleet();
  try {
    const me = await api.me();
    setCsrfToken(me.csrfToken);
    session.set({ status: 'signed-in', me });
    live.start();
  } catch {
    session.set({ status: 'signed-out' });
  }
}

export async function signIn(name: string, password: string): Promise<void> {
  const res = await api.signIn(name, password);
  setCsrfToken(res.csrfToken);
  session.set({ status: 'signed-in', me: { kind: 'user', name: res.user.name, role: res.user.role, csrfToken: res.csrfToken } });
  live.start();
}

export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    ended();
  }
}

function ended(notice?: string): void {
  setCsrfToken(null);
  live.stop();
  session.set({ status: 'signed-out', notice });
}

onSessionLost(() => {
  if (session.get().status === 'signed-in') ended('Your session ended. Sign in again.');
});
