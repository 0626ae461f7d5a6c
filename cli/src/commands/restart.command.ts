import type { Command } from 'commander';
import type { Runtime } from '../runtime';
import { inContainer, registerChange } from './change-agent';

export function registerRestart(program: Command, rt: Runtime): void {
  registerChange(program, rt, {
    name: 'restart',
    type: 'agent.restart',
    summary: 'restart an agent (starts it if it is stopped)',
    goal: 'restarted',
    examples: ['sacp restart reviewer --reason "picked up new API key"'],
    isDone: (now, before, seen) => {
      if (!('view' in now)) return false;
      const v = now.view;
      if (before && v.restarts > before.restarts) return true;
      // a stopped agent is started rather than restarted: running again is the goal
      const wasRunning = before?.state.observed === 'running';
      const wentDown = seen.some((s) => s !== 'running');
      return v.state.observed === 'running' && (!wasRunning || wentDown);
    },
    describeDone: (view) => `restarted: running${inContainer(view)} (restarts: ${view?.restarts ?? '?'})`,
  });
}
