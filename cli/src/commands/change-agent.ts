import type { Command } from 'commander';
import type { AgentChangeResult, AgentStatusView } from '@sacp/events';
import { newError, observeAgent, waitFailure, waitForAgent, type Observation, type WaitVerdict } from '../agent-wait';
import type { CliContext } from '../context';
import { REASON_HELP, type ChangeOptions } from '../options';
import { agentSummary, json, shortContainer, shortId } from '../output/format';
import type { Runtime } from '../runtime';

/** How one lifecycle command (stop, start, restart, rm) is sent and when it counts as done. */
export interface ChangeSpec {
  name: 'stop' | 'start' | 'restart' | 'rm';
  type: 'agent.stop' | 'agent.start' | 'agent.restart' | 'agent.remove';
  summary: string;
  /** the state waited for, as a user reads it: "stopped", "running", "removed" */
  goal: string;
  examples: string[];
  /**
   * Decides one poll. `before` is the agent as it was before the command; `seen` lists
   * every observed state since the reply, for goals that need a transition.
   */
  isDone(now: Observation, before: AgentStatusView | null, seen: string[]): boolean;
  /** what the human-readable line says once done */
  describeDone(view: AgentStatusView | null, changed: boolean, o: ChangeOptions): string;
  /** options of this command only, e.g. rm's --volumes: [flags, description] */
  options?: Array<[string, string]>;
  /** what those options add to the command's payload */
  payload?: (o: ChangeOptions) => { volumes?: boolean };
}

export function registerChange(program: Command, rt: Runtime, spec: ChangeSpec): void {
  const command = program
    .command(spec.name)
    .summary(spec.summary)
    .description(`${spec.summary.charAt(0).toUpperCase()}${spec.summary.slice(1)}; unless --no-wait, waits until the agent is ${spec.goal}.`)
    .argument('<agent>', 'agent name or id')
    .option('--reason <text>', REASON_HELP)
    .option('--no-wait', 'return once the control plane has recorded the request')
    .option('--json', 'print the agent as JSON');
  for (const [flags, description] of spec.options ?? []) command.option(flags, description);
  command
    .addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}`)
    .action(rt.action((ctx: CliContext, agent: string, o: ChangeOptions) => changeAgent(ctx, agent, o, spec)));
}

async function changeAgent(ctx: CliContext, agent: string, o: ChangeOptions, spec: ChangeSpec): Promise<void> {
  // the state before the command: restart waits for its restart count to move, and an
  // error recorded before this command is not this command's failure
  const [before = null] = await ctx.query('agent.status', { agent }, spec.name);
  const reply = await ctx.command(spec.type, { agent, ...spec.payload?.(o) }, { reason: o.reason, what: spec.name });
  const r = reply.result;
  if (reply.duplicate && !o.json) ctx.io.err(`sacp: command ${reply.commandId} was already processed; showing the agent's state\n`);

  let view: AgentStatusView | null;
  if (o.wait) {
    const seen: string[] = [];
    const outcome = await waitForAgent(
      ctx.bus,
      r.agentId,
      ctx.deadline,
      (obs): WaitVerdict => {
        if ('view' in obs) {
          seen.push(obs.view.state.observed);
          const error = newError(obs.view, before);
          if (error) return { failed: error };
        }
        return spec.isDone(obs, before, seen) ? { done: true } : undefined;
      },
      o.json ? undefined : ctx.io.progress,
    );
    view = outcome.view;
    if (outcome.kind !== 'done') {
      if (o.json) ctx.io.out(json(output(r, view)));
      throw waitFailure(outcome, r.name, spec.goal, ctx.timeoutMs);
    }
  } else {
    const obs = await observeAgent(ctx.bus, r.agentId);
    view = 'view' in obs ? obs.view : null;
  }

  if (o.json) return ctx.io.out(json(output(r, view)));
  const who = `agent ${r.name} (${shortId(r.agentId)})`;
  if (!o.wait) return ctx.io.out(`${spec.name} of ${who} recorded (desired ${r.desired}, observed ${view?.state.observed ?? 'unknown'}); follow it with "sacp status ${r.name}"\n`);
  ctx.io.out(`${who} ${spec.describeDone(view, r.changed, o)}\n`);
}

function output(r: AgentChangeResult, view: AgentStatusView | null) {
  const base = view
    ? agentSummary(view)
    : { agentId: r.agentId, name: r.name, template: null, state: { desired: r.desired, observed: 'removed' }, containerId: null, restarts: null, lastError: null };
  return { ...base, changed: r.changed };
}

export const inContainer = (view: AgentStatusView | null): string => (view?.containerId ? ` in container ${shortContainer(view.containerId)}` : '');
