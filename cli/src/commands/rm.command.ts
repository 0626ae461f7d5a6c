import type { Command } from 'commander';
import type { Runtime } from '../runtime';
import { registerChange } from './change-agent';

export function registerRm(program: Command, rt: Runtime): void {
  registerChange(program, rt, {
    name: 'rm',
    type: 'agent.remove',
    summary: 'remove an agent and its container (its history is kept)',
    goal: 'removed',
    examples: ['sacp rm coder-1 --reason "project finished"', 'sacp rm 0190c2b4-7f1e-7c3a-9d2e-5b6a7c8d9e0f'],
    isDone: (now) => 'gone' in now || ('view' in now && now.view.state.observed === 'removed'),
    describeDone: () => 'removed; its history stays available with "sacp history <agent id>"',
  });
}
