import type { Command } from 'commander';
import type { Runtime } from '../runtime';
import { inContainer, registerChange } from './change-agent';

export function registerStart(program: Command, rt: Runtime): void {
  registerChange(program, rt, {
    name: 'start',
    type: 'agent.start',
    summary: 'start a stopped agent',
    goal: 'running',
    examples: ['sacp start coder-1', 'sacp start coder-1 --reason "budget renewed" --json'],
    isDone: (now) => 'view' in now && now.view.state.desired === 'running' && now.view.state.observed === 'running',
    describeDone: (view, changed) => `${changed ? 'started' : 'was already running'}${inContainer(view)}`,
  });
}
