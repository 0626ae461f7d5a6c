import type { Command } from 'commander';
import type { Runtime } from '../runtime';
import { registerChange } from './change-agent';

/** Observed states in which no container of the agent runs. */
const NOT_RUNNING = new Set(['stopped', 'exited', 'absent', 'pending', 'none']);

export function registerStop(program: Command, rt: Runtime): void {
  registerChange(program, rt, {
    name: 'stop',
    type: 'agent.stop',
    summary: 'stop an agent (its container is kept)',
    goal: 'stopped',
    examples: ['sacp stop coder-1 --reason "over budget"', 'sacp stop coder-1 --no-wait'],
    isDone: (now) => 'view' in now && now.view.state.desired === 'stopped' && NOT_RUNNING.has(now.view.state.observed),
    describeDone: (view, changed) => (changed ? 'stopped' : `was already stopped (observed ${view?.state.observed ?? 'unknown'})`),
  });
}
