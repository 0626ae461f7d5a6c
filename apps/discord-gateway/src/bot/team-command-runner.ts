/*
 * The team commands (`!team create|deploy|stop|add|remove|delete`): each one bus
 * command sent with the message's or interaction's id as its command id, and its
 * result said in words.
 */
import { Inject, Injectable } from '@nestjs/common';
import { BusClient, type OnWaiting } from '@sacp/bus';
import type { Actor } from '@sacp/events';
import { CONFIG } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import type { ParsedCommand } from './command-specs';
import { errorReply } from './replies';
import type { BotReply } from './reply-types';
import { teamChangedReply } from './team-replies';

export interface Sending {
  commandId: string;
  actor: Actor;
  source: string;
  reason: string | null;
  onWaiting: OnWaiting;
}

@Injectable()
export class TeamCommandRunner {
  private readonly prefix: string;

  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(CONFIG) config: DiscordGatewayConfig,
  ) {
    this.prefix = config.DISCORD_PREFIX;
  }

  async run(cmd: ParsedCommand, sending: Sending): Promise<BotReply> {
    const a = cmd.args;
    const team = String(a.team ?? '');
    switch (cmd.spec.name) {
      case 'team create': {
        let definition: unknown;
        if (a.definition !== undefined) {
          try {
            definition = JSON.parse(String(a.definition));
          } catch (err) {
            return { content: `⚠️ the configuration is not valid JSON (${(err as Error).message.slice(0, 200)})`, private: true };
          }
        }
        const r = await this.bus.send(
          'team.create',
          { ...(definition !== undefined ? { definition } : { config: String(a.config) }), ...(a.name ? { name: String(a.name) } : {}) },
          sending,
        );
        return r.ok ? teamChangedReply({ kind: 'create', ...r.result }, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'team deploy': {
        const r = await this.bus.send('team.deploy', { team }, sending);
        return r.ok ? teamChangedReply({ kind: 'deploy', ...r.result }, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'team stop': {
        const r = await this.bus.send('team.stop', { team }, sending);
        return r.ok ? teamChangedReply({ kind: 'stop', ...r.result }, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'team add': {
        const r = await this.bus.send('team.add_member', { team, agent: String(a.agent), ...(a.role ? { role: String(a.role) } : {}) }, sending);
        return r.ok ? teamChangedReply({ kind: 'add', ...r.result, role: a.role ? String(a.role) : null }, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'team remove': {
        const r = await this.bus.send('team.remove_member', { team, agent: String(a.agent) }, sending);
        return r.ok ? teamChangedReply({ kind: 'remove', ...r.result }, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'team delete': {
        const r = await this.bus.send('team.delete', { team }, sending);
        return r.ok ? teamChangedReply({ kind: 'delete', ...r.result }, this.prefix) : errorReply(r.error, this.prefix);
      }
      default:
        return { content: `⚠️ ${cmd.spec.name} is not a team command`, private: true };
    }
  }
}
