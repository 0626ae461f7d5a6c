import type { Command } from 'commander';
import { AgentNameSchema, type AgentStatusView, type CommandResult } from '@sacp/events';
import { newError, observeAgent, waitFailure, waitForAgent } from '../agent-wait';
import type { CliContext } from '../context';
import { checkLocally, REASON_HELP, type ChangeOptions } from '../options';
import { json, shortContainer, shortId } from '../output/format';
import type { Runtime } from '../runtime';

export function registerDeploy(program: Command, rt: Runtime): void {
  program
    .command('deploy')
    .summary('deploy a new agent from a template and wait until it runs')
    .description('Deploys a new agent from a template and, unless --no-wait, waits until its container runs.')
    .argument('<template>', 'template name (see "sacp templates list")')
    .option('--name <name>', 'agent name (default: <template>-<random>)')
    .option('--team <team>', "deploy into a team (refused past the team's quota, with the numbers)")
    .option('--role <role>', 'its role in the team')
    .option('--reason <text>', REASON_HELP)
    .option('--no-wait', 'return once the control plane has recorded the deployment')
    .option('--json', 'print the agent as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp deploy grok4 --name coder-1 --reason "sprint 12 backlog"
  $ sacp deploy sim --json | jq -r .agentId
  $ sacp deploy grok4 --no-wait --command-id deploy-coder-1   # safe to retry`,
    )
    .action(rt.action(deploy));
}

async function deploy(ctx: CliContext, template: string, o: ChangeOptions & { name?: string; team?: string; role?: string }): Promise<void> {
  if (o.name !== undefined) checkLocally(AgentNameSchema, o.name, '--name');
  const payload = { template, ...(o.name ? { name: o.name } : {}), ...(o.team ? { team: o.team } : {}), ...(o.role ? { role: o.role } : {}) };
  const reply = await ctx.command('agent.deploy', payload, { reason: o.reason, what: 'deploy' });
  const r = reply.result;
  if (reply.duplicate && !o.json) ctx.io.err(`sacp: command ${reply.commandId} was already processed; showing the agent it deployed\n`);

  let view = null;
  if (o.wait) {
    const outcome = await waitForAgent(
      ctx.bus,
      r.agentId,
      ctx.deadline,
      (obs) => {
        if (!('view' in obs)) return undefined;
        const error = newError(obs.view, null);
        if (error) return { failed: error };
        return obs.view.state.observed === 'running' ? { done: true } : undefined;
      },
      o.json ? undefined : ctx.io.progress,
    );
    view = outcome.view;
    if (outcome.kind !== 'done') {
      if (o.json) ctx.io.out(json(summary(r, view)));
      throw waitFailure(outcome, r.name, 'running', ctx.timeoutMs);
    }
  } else {
    const obs = await observeAgent(ctx.bus, r.agentId);
    view = 'view' in obs ? obs.view : null;
  }

  const s = summary(r, view);
  if (o.json) return ctx.io.out(json(s));
  const where = s.containerId ? ` in container ${shortContainer(s.containerId)}` : '';
  ctx.io.out(
    o.wait
      ? `deployed agent ${s.name} (${shortId(s.agentId)}) from template ${r.template.name}@${r.template.version}: running${where}\n`
      : `deployment of agent ${s.name} (${shortId(s.agentId)}) from template ${r.template.name}@${r.template.version} recorded (observed: ${s.state.observed}); follow it with "sacp status ${s.name}"\n`,
  );
}

function summary(r: CommandResult<'agent.deploy'>, view: AgentStatusView | null) {
  return {
    agentId: r.agentId,
    name: r.name,
    template: r.template,
    state: view?.state ?? { desired: r.desired, observed: 'pending' },
    containerId: view?.containerId ?? null,
    lastError: view?.lastError ?? null,
  };
}
