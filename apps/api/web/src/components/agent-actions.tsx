import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Agent, Me } from '../api/types';
import { can } from '../state/session';
import { ConfirmDialog } from './confirm-dialog';

type Action = 'start' | 'stop' | 'restart' | 'remove';
const VERB: Record<Action, string> = { start: 'Start', stop: 'Stop', restart: 'Restart', remove: 'Remove' };
const WHAT: Record<Action, string> = {
  start: 'starts its container again',
  stop: 'stops its container; it stays registered and can be started again',
  restart: 'stops and starts its container',
  remove: 'removes the agent and its container; its history stays',
};

/** Start, stop, restart and remove, each after a confirmation; not shown at all to viewers. */
export function AgentActions(props: { agent: Agent; me: Me; compact?: boolean }) {
  const [pending, setPending] = useState<Action | null>(null);
  const { agent, me } = props;
  if (!can(me, 'operator') || agent.state.desired === 'removed') return null;
  const running = agent.state.desired === 'running';
  const actions: Action[] = running ? ['stop', 'restart', 'remove'] : ['start', 'remove'];
  const run = (action: Action, reason: string) => (action === 'remove' ? api.remove(agent.name, reason || undefined) : api.act(agent.name, action, reason || undefined));
  return (
    <span class={`actions${props.compact ? ' compact' : ''}`} data-testid="agent-actions">
      {actions.map((a) => (
        <button key={a} type="button" class={a === 'remove' ? 'danger-outline' : ''} data-action={a} aria-label={`${VERB[a]} ${agent.name}`} onClick={() => setPending(a)}>
          {VERB[a]}
        </button>
      ))}
      {pending ? (
        <ConfirmDialog
          title={`${VERB[pending]} ${agent.name}?`}
          body={`This ${WHAT[pending]}.`}
          confirm={VERB[pending]}
          danger={pending === 'remove' || pending === 'stop'}
          onConfirm={(reason) => run(pending, reason)}
          onClose={() => setPending(null)}
        />
      ) : null}
    </span>
  );
}
