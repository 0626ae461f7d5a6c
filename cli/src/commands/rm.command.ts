import type { Command } from 'commander';
import type { Runtime } from '../runtime';
import { registerChange } from './change-agent';

export function registerRm(program: Command, rt: Runtime): void {
  registerChange(program, rt, {
    name: 'rm',
    type: 'agent.remove',
    summary: 'remove an agent and its container (its history is kept)',
    goal: 'removed',
    examples: ['sacp rm coder-1 --reason "project finished"', 'sacp rm coder-1 --volumes', 'sacp rm 0190c2b4-7f1e-7c3a-9d2e-5b6a7c8d9e0f'],
    options: [['--volumes', 'remove its volumes too (its workspace); without it they are kept and listed by "sacp volumes" as orphaned']],
    payload: (o) => (o.volumes ? { volumes: true } : {}),
    isDone: (now) => 'gone' in now || ('view' in now && now.view.state.observed === 'removed'),
    describeDone: (_view, _changed, o) =>
      `removed; ${o.volumes ? 'its volumes too' : 'its volumes are kept (orphaned: see "sacp volumes")'}; its history stays available with "sacp history <agent id>"`,
  });
}
