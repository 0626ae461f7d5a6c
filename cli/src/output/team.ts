import { formatBytes } from '@sacp/domain';
import type { ResourceAmounts, TeamChangeResult, TeamView } from '@sacp/events';
import { dash } from './format';
import { renderTable } from './table';

export const amounts = (a: ResourceAmounts) => `${formatBytes(a.memory)} memory, ${a.cpus} CPUs, ${a.pids} pids`;
export const usageLine = (r: Pick<TeamChangeResult, 'usage' | 'quota'>) => `uses ${amounts(r.usage)} of ${amounts(r.quota)}`;

export function renderTeam(t: TeamView): string {
  const head = [
    `team ${t.name}: ${t.description || '(no description)'}`,
    `configuration v${t.configVersion} ${t.hash.slice(0, 19)}${t.file ? ` from ${t.file}` : ''}; egress ${t.config.egress ? 'allowed' : 'none (internal)'}`,
    `quota: ${amounts(t.quota)}; used by members: ${amounts(t.usage)}`,
    `configured members: ${t.config.members.map((m) => `${m.name} (${m.role}, ${m.template})`).join(', ') || 'none'}`,
  ].join('\n');
  if (!t.members.length) return `${head}\nno member deployed; deploy them with: sacp team deploy ${t.name}\n`;
  const rows = t.members.map((m) => [
    m.agent,
    dash(m.role),
    m.template ? `${m.template.name}@${m.template.version}` : '-',
    m.state ? `${m.state.desired}/${m.state.observed}` : '-',
    m.state?.health ?? '-',
    formatBytes(m.resources.memory),
    String(m.resources.cpus),
    String(m.resources.pids),
  ]);
  return `${head}\n\n${renderTable(['AGENT', 'ROLE', 'TEMPLATE', 'DESIRED/OBSERVED', 'HEALTH', 'MEMORY', 'CPUS', 'PIDS'], rows)}`;
}
