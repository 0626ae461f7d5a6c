/*
 * The slash commands as Discord sees them: their definitions (from the same table as
 * the prefix commands) and their registration in a guild, done only when what is
 * registered differs, so that a restart changes nothing on Discord.
 */
import { Routes, type Client, type Guild } from 'discord.js';
import type { JsonLogger } from '@sacp/platform';
import { ARG_CHOICES, ARG_LIMITS, COMMAND_SPECS, SUGGESTED, TEXT_LIMITS, type CommandSpec } from './command-specs';
import { GROUP_SUMMARIES } from './group-command-specs';

// Discord application command option types
const SUB_COMMAND = 1;
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;

type Option = Record<string, unknown>;
export interface SlashDefinition {
  name: string;
  description: string;
  type: 1;
  options: Option[];
}

/** A command's options: its arguments, then `yes` for destructive ones and `reason` where it is recorded. */
function optionsOf(spec: CommandSpec): Option[] {
  return [
    ...spec.args.map((a) => {
      const limit = ARG_LIMITS[a.name];
      const choices = ARG_CHOICES[a.name];
      return {
        type: limit ? INTEGER : STRING,
        name: a.name,
        description: a.description.slice(0, 100),
        required: a.required,
        ...(limit ? { min_value: limit.min, max_value: limit.max } : { max_length: TEXT_LIMITS[a.name] ?? 100 }),
        ...(choices ? { choices: choices.map((c) => ({ name: c, value: c })) } : {}),
        // agent and template names are suggested while the user types
        ...(SUGGESTED.has(a.name) ? { autocomplete: true } : {}),
      };
    }),
    ...(spec.destructive ? [{ type: BOOLEAN, name: 'yes', description: 'skip the confirmation', required: false }] : []),
    ...(spec.takesReason ? [{ type: STRING, name: 'reason', description: 'why: recorded with the events', required: false, max_length: 500 }] : []),
  ];
}

/** The slash command definitions (bulk-registered per guild): one per command, one per group with its sub-commands. */
export function slashDefinitions(): SlashDefinition[] {
  const defs: SlashDefinition[] = [];
  for (const spec of COMMAND_SPECS) {
    const word = spec.name.split(' ')[0]!;
    if (spec.sub === undefined) {
      defs.push({ name: spec.name, description: spec.summary.slice(0, 100), type: 1, options: optionsOf(spec) });
      continue;
    }
    let group = defs.find((d) => d.name === word);
    if (!group) defs.push((group = { name: word, description: (GROUP_SUMMARIES[word] ?? word).slice(0, 100), type: 1, options: [] }));
    group.options.push({ type: SUB_COMMAND, name: spec.sub, description: spec.summary.slice(0, 100), options: optionsOf(spec) });
  }
  return defs;
}

/**
 * Registers the slash commands in one guild, only when they differ from what is
 * registered there. A failure is logged: the prefix commands still work without them.
 */
export async function registerSlashCommands(client: Client, guild: Guild, log: JsonLogger): Promise<void> {
  const appId = client.application?.id ?? client.user?.id;
  if (!appId) return;
  const wanted = slashDefinitions();
  try {
    const existing = (await client.rest.get(Routes.applicationGuildCommands(appId, guild.id))) as Record<string, unknown>[];
    if (sameCommands(existing, wanted)) {
      log.info('slash commands up to date', { guild: guild.id, commands: wanted.length });
      return;
    }
    await client.rest.put(Routes.applicationGuildCommands(appId, guild.id), { body: wanted });
    log.info('slash commands registered', { guild: guild.id, commands: wanted.length });
  } catch (err) {
    log.error('could not register slash commands; prefix commands still work. Does the bot have the applications.commands scope in this guild?', {
      guild: guild.id,
      error: err,
    });
  }
}

/** Compares registered slash commands with the wanted ones on the fields that matter. */
function sameCommands(existing: Record<string, unknown>[], wanted: SlashDefinition[]): boolean {
  const opts = (list: unknown): unknown[] =>
    ((list as Option[] | undefined) ?? []).map((o) => ({
      type: o.type,
      name: o.name,
      description: o.description,
      required: o.required === true,
      min_value: o.min_value ?? null,
      max_value: o.max_value ?? null,
      max_length: o.max_length ?? null,
      autocomplete: o.autocomplete === true,
      choices: ((o.choices as Option[] | undefined) ?? []).map((c) => c.value),
      options: opts(o.options),
    }));
  const norm = (cmds: readonly object[]) =>
    JSON.stringify(
      (cmds as Option[]).map((c) => ({ name: c.name, description: c.description, options: opts(c.options) })).sort((a, b) => String(a.name).localeCompare(String(b.name))),
    );
  return norm(existing) === norm(wanted);
}
