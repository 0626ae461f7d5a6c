/**
 * The Discord v10 REST API subset the bot uses, served under /api/v10. Routes are
 * declared with Discord-style patterns; the pattern with its method is the rate
 * limit route key ("POST /channels/:channelId/messages").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBody, readRaw } from './http-body';
import { checkMessageBody } from './message-limits';
import { channelPayload, guildPayload, memberPayload, rolePayload, userPayload, type Json } from './payloads';
import type { RateLimiter } from './rate-limits';
import { apiError, type AutocompleteChoice, type InteractionRecord, type RecordedRequest } from './records';
import { snowflake } from './snowflake';
import type { StandInState } from './state';
import { copyJson } from '../realm';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  files: RecordedRequest['files'];
}

interface Route {
  method: string;
  pattern: string;
  segs: string[];
  auth: boolean;
  /** the parameter(s) that make a separate bucket, like Discord's major parameters */
  major: (p: Record<string, string>) => string;
  handle: (ctx: Ctx) => Reply;
}

export interface RestOptions {
  state: StandInState;
  limiter: RateLimiter;
  gatewayUrl: () => string;
  /** an interaction must be acknowledged within this many ms of its first delivery (Discord: 3 s) */
  interactionAckDeadlineMs: number;
  /** artificial latency added to every REST answer */
  latencyMs: () => number;
  onRequest: (r: RecordedRequest) => void;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent: Reply = { status: 204 };

export class RestApi {
  private readonly routes: Route[] = [];
  private seq = 0;

  constructor(private readonly o: RestOptions) {
    this.declare();
  }

  private route(method: string, pattern: string, opts: { auth?: boolean; major?: string[] }, handle: (ctx: Ctx) => Reply): void {
    const major = opts.major ?? [];
    this.routes.push({ method, pattern, segs: pattern.split('/').filter(Boolean), auth: opts.auth ?? true, major: (p) => major.map((k) => p[k]).join('/'), handle });
  }

  private match(method: string, segs: string[]): { route: Route; params: Record<string, string> } | null {
    for (const r of this.routes) {
      if (r.method !== method || r.segs.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let okMatch = true;
      for (let i = 0; i < segs.length; i++) {
        if (r.segs[i]!.startsWith(':')) params[r.segs[i]!.slice(1)] = segs[i]!;
        else if (r.segs[i] !== segs[i]) okMatch = false;
      }
      if (okMatch) return { route: r, params };
    }
    return null;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readRaw(req);
    const parsed = parseBody(raw, req.headers['content-type']);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const authHeader = headers['authorization'];
    const auth: RecordedRequest['auth'] = authHeader === undefined ? 'missing' : authHeader === `Bot ${this.o.state.idx.world.token}` ? 'valid' : 'invalid';
    if (authHeader !== undefined) headers['authorization'] = authHeader.startsWith('Bot ') ? 'Bot [redacted]' : '[redacted]';

    const prefix = '/api/v10';
    const rawPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    let segs: string[];
    try {
      segs = rawPath.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      segs = rawPath.split('/').filter(Boolean);
    }
    const rec: RecordedRequest = {
      seq: ++this.seq,
      method,
      path: '/' + segs.join('/'),
      rawPath,
      route: null,
      params: {},
      query: Object.fromEntries(url.searchParams),
      headers,
      auth,
      body: parsed.body,
      files: parsed.files,
      time,
      status: 0,
      responseBody: undefined,
    };

    let reply: Reply;
    const m = url.pathname.startsWith(prefix) ? this.match(method, segs) : null;
    if (!m) reply = apiError(404, 0, '404: Not Found');
    else {
      rec.route = `${m.route.method} ${m.route.pattern}`;
      rec.params = m.params;
      if (m.route.auth && auth !== 'valid') reply = apiError(401, 0, '401: Unauthorized');
      else if (parsed.invalid) reply = apiError(400, 50109, 'The request body contains invalid JSON.');
      else {
        const decision = this.o.limiter.take(rec.route, m.route.major(m.params), time);
        if (decision.limited) {
          const ra = decision.limited.retryAfterSeconds;
          reply = {
            status: 429,
            body: { message: 'You are being rate limited.', retry_after: Number(ra.toFixed(3)), global: decision.limited.global },
            headers: { ...decision.headers, 'Retry-After': String(Math.max(ra > 0 ? 1 : 0, Math.ceil(ra))) },
          };
        } else {
          try {
            reply = m.route.handle({ params: m.params, query: url.searchParams, body: parsed.body, files: parsed.files });
          } catch (err) {
            reply = apiError(500, 0, `stand-in error: ${(err as Error).message}`);
          }
          reply.headers = { ...decision.headers, ...reply.headers };
        }
      }
    }
    rec.status = reply.status;
    rec.responseBody = reply.body;
    this.o.onRequest(rec);
    const latency = this.o.latencyMs();
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const out: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined && reply.status !== 204) out['Content-Type'] = 'application/json';
    res.writeHead(reply.status, out);
    res.end(reply.body !== undefined && reply.status !== 204 ? JSON.stringify(reply.body) : undefined);
  }

  // ---------------------------------------------------------------------------------

  private declare(): void {
    const st = this.o.state;
    const idx = st.idx;
    const world = idx.world;

    this.route('GET', '/gateway', { auth: false }, () => ok({ url: this.o.gatewayUrl() }));
    this.route('GET', '/gateway/bot', {}, () =>
      ok({ url: this.o.gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } }),
    );
    this.route('GET', '/users/@me', {}, () => ok({ ...userPayload(world.bot), verified: true, mfa_enabled: false, locale: 'en-US' }));
    this.route('GET', '/users/:userId', {}, ({ params }) => {
      const u = idx.findUser(params.userId!);
      return u ? ok(userPayload(u)) : apiError(404, 10013, 'Unknown User');
    });
    // a DM channel with a user: created once, then the same channel (also after DELETE /channels/:id)
    this.route('POST', '/users/@me/channels', {}, ({ body }) => {
      const rid = ((body ?? {}) as Json).recipient_id;
      if (rid === undefined || rid === null)
        return apiError(400, 50035, 'Invalid Form Body', { errors: { recipient_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } } });
      if ((typeof rid !== 'string' && typeof rid !== 'number') || !/^\d{1,20}$/.test(String(rid)))
        return apiError(400, 50035, 'Invalid Form Body', {
          errors: { recipient_id: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${String(rid)}" is not snowflake.` }] } },
        });
      const u = idx.findUser(String(rid));
      // Discord answers an unknown (or the bot's own) id with 400/50033, not 404/10013
      if (!u || u.id === world.bot.id) return apiError(400, 50033, 'Invalid Recipient(s)');
      const dm = st.openDm(u.id);
      dm.opens++;
      return ok(st.findChannel(dm.id)!.payload());
    });
    this.route('GET', '/applications/@me', {}, () =>
      ok({
        id: world.application.id,
        name: world.application.name,
        icon: null,
        description: '',
        bot_public: false,
        bot_require_code_grant: false,
        flags: world.application.flags,
        owner: userPayload(idx.user(world.guilds[0]?.ownerId ?? world.bot.id)),
        bot: userPayload(world.bot),
        verify_key: 'stand-in',
        team: null,
        summary: '',
        approximate_guild_count: world.guilds.length,
      }),
    );

    // --- application commands -------------------------------------------------------
    const appCheck = (appId: string) => (appId === world.application.id ? null : apiError(403, 50001, 'Missing Access'));
    const guildCheck = (guildId: string) => (idx.findGuild(guildId) ? null : apiError(404, 10004, 'Unknown Guild'));
    const normalise = (scope: string, cmd: Json, existing: Json[]): Json | Reply => {
      const type = (cmd.type as number | undefined) ?? 1;
      const name = cmd.name as string;
      if (typeof name !== 'string' || !/^[-_\p{L}\p{N}]{1,32}$/u.test(name) || (type === 1 && name !== name.toLowerCase()))
        return apiError(400, 50035, 'Invalid Form Body', { errors: { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }] } } });
      if (type === 1 && (typeof cmd.description !== 'string' || cmd.description.length < 1 || cmd.description.length > 100))
        return apiError(400, 50035, 'Invalid Form Body', {
          errors: { description: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } },
        });
      if (Array.isArray(cmd.options) && cmd.options.length > 25)
        return apiError(400, 50035, 'Invalid Form Body', { errors: { options: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } });
      const prev = existing.find((c) => c.name === name && c.type === type);
      return {
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        options: [],
        description: '',
        ...cmd,
        id: prev?.id ?? snowflake(),
        application_id: world.application.id,
        ...(scope === 'global' ? {} : { guild_id: scope }),
        type,
        version: snowflake(),
      };
    };
    const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 'status' in x && typeof (x as Reply).status === 'number';
    const bulk = (scope: string, body: unknown): Reply => {
      if (!Array.isArray(body)) return apiError(400, 50035, 'Invalid Form Body');
      if (body.length > 100) return apiError(400, 30032, 'Maximum number of application commands reached (100)');
      const existing = st.commands.get(scope) ?? [];
      const next: Json[] = [];
      for (const c of body as Json[]) {
        const n = normalise(scope, c, existing);
        if (isReply(n)) return n;
        next.push(n);
      }
      st.commands.set(scope, next);
      return ok(next);
    };
    const upsert = (scope: string, body: Json): Reply => {
      const existing = st.commands.get(scope) ?? [];
      const n = normalise(scope, body, existing);
      if (isReply(n)) return n;
      const cmd = n;
      const had = existing.some((c) => c.id === cmd.id);
      st.commands.set(scope, [...existing.filter((c) => c.id !== cmd.id), cmd]);
      return ok(cmd, had ? 200 : 201);
    };
    const remove = (scope: string, id: string): Reply => {
      const existing = st.commands.get(scope) ?? [];
      if (!existing.some((c) => c.id === id)) return apiError(404, 10063, 'Unknown application command');
      st.commands.set(
        scope,
        existing.filter((c) => c.id !== id),
      );
      return noContent;
    };
    this.route('GET', '/applications/:appId/commands', {}, ({ params }) => appCheck(params.appId!) ?? ok(st.commands.get('global') ?? []));
    this.route('PUT', '/applications/:appId/commands', {}, ({ params, body }) => appCheck(params.appId!) ?? bulk('global', body));
    this.route('POST', '/applications/:appId/commands', {}, ({ params, body }) => appCheck(params.appId!) ?? upsert('global', body));
    this.route('DELETE', '/applications/:appId/commands/:commandId', {}, ({ params }) => appCheck(params.appId!) ?? remove('global', params.commandId!));
    const g = { major: ['guildId'] };
    this.route(
      'GET',
      '/applications/:appId/guilds/:guildId/commands',
      g,
      ({ params }) => appCheck(params.appId!) ?? guildCheck(params.guildId!) ?? ok(st.commands.get(params.guildId!) ?? []),
    );
    this.route(
      'PUT',
      '/applications/:appId/guilds/:guildId/commands',
      g,
      ({ params, body }) => appCheck(params.appId!) ?? guildCheck(params.guildId!) ?? bulk(params.guildId!, body),
    );
    this.route(
      'POST',
      '/applications/:appId/guilds/:guildId/commands',
      g,
      ({ params, body }) => appCheck(params.appId!) ?? guildCheck(params.guildId!) ?? upsert(params.guildId!, body),
    );
    this.route(
      'DELETE',
      '/applications/:appId/guilds/:guildId/commands/:commandId',
      g,
      ({ params }) => appCheck(params.appId!) ?? guildCheck(params.guildId!) ?? remove(params.guildId!, params.commandId!),
    );

    // --- guilds -------------------------------------------------------------------------
    this.route('GET', '/guilds/:guildId', g, ({ params }) => {
      const guild = idx.findGuild(params.guildId!);
      return guild ? ok({ ...guildPayload(guild), approximate_member_count: guild.members.length }) : apiError(404, 10004, 'Unknown Guild');
    });
    this.route('GET', '/guilds/:guildId/channels', g, ({ params }) => {
      const guild = idx.findGuild(params.guildId!);
      return guild ? ok(guild.channels.map((c) => channelPayload(c))) : apiError(404, 10004, 'Unknown Guild');
    });
    this.route('GET', '/guilds/:guildId/roles', g, ({ params }) => {
      const guild = idx.findGuild(params.guildId!);
      return guild ? ok(guild.roles.map(rolePayload)) : apiError(404, 10004, 'Unknown Guild');
    });
    this.route('GET', '/guilds/:guildId/members', g, ({ params, query }) => {
      const guild = idx.findGuild(params.guildId!);
      if (!guild) return apiError(404, 10004, 'Unknown Guild');
      const limit = Number(query.get('limit') ?? 1);
      return ok(guild.members.slice(0, limit).map((m) => memberPayload(idx, m)));
    });
    this.route('GET', '/guilds/:guildId/members/:userId', g, ({ params }) => {
      if (!idx.findGuild(params.guildId!)) return apiError(404, 10004, 'Unknown Guild');
      const m = idx.member(params.guildId!, params.userId!);
      return m ? ok(memberPayload(idx, m)) : apiError(404, 10007, 'Unknown Member');
    });

    // --- channels and messages ------------------------------------------------------------
    const c = { major: ['channelId'] };
    const channelOr404 = (id: string) => st.findChannel(id);
    this.route('GET', '/channels/:channelId', c, ({ params }) => {
      const ch = channelOr404(params.channelId!);
      return ch ? ok(ch.payload()) : apiError(404, 10003, 'Unknown Channel');
    });
    // closing a DM (discord.js users.deleteDM): answers the channel, which keeps its id; guild channels are not deletable here
    this.route('DELETE', '/channels/:channelId', c, ({ params }) => {
      const ch = channelOr404(params.channelId!);
      if (!ch) return apiError(404, 10003, 'Unknown Channel');
      if (!ch.dm) return apiError(500, 0, 'stand-in: deleting guild channels is not modelled');
      ch.dm.closes++;
      return ok(ch.payload());
    });
    this.route('POST', '/channels/:channelId/typing', c, ({ params }) => (channelOr404(params.channelId!) ? noContent : apiError(404, 10003, 'Unknown Channel')));
    this.route('GET', '/channels/:channelId/messages', c, ({ params, query }) => {
      if (!channelOr404(params.channelId!)) return apiError(404, 10003, 'Unknown Channel');
      const limit = Math.min(100, Number(query.get('limit') ?? 50));
      return ok(st.channelMessages(params.channelId!).reverse().slice(0, limit));
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', c, ({ params }) => {
      const m = st.messages.get(params.messageId!);
      return m && !m.deleted && !m.ephemeral && m.channelId === params.channelId ? ok(m.message) : apiError(404, 10008, 'Unknown Message');
    });
    this.route('POST', '/channels/:channelId/messages', c, ({ params, body, files }) => {
      const ch = channelOr404(params.channelId!);
      if (!ch) return apiError(404, 10003, 'Unknown Channel');
      const refused = st.refusedChannels.get(ch.id);
      if (refused) return apiError(refused.status, refused.code, refused.message);
      const b = (body ?? {}) as Json;
      const bad = checkMessageBody({ ...b, attachments: files.length ? files : b.attachments });
      if (bad) return bad;
      // a user who closed DMs (no shared guild / privacy settings / blocked the bot), and bots, cannot be DM'd
      if (ch.dm && (st.closedDms.has(ch.dm.userId) || idx.user(ch.dm.userId).bot)) return apiError(403, 50007, 'Cannot send messages to this user');
      const ref = b.message_reference as Json | undefined;
      if (ref?.message_id && !st.messages.has(ref.message_id as string) && ref.fail_if_not_exists !== false)
        return apiError(400, 50035, 'Invalid Form Body', {
          errors: { message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } },
        });
      const message = st.createMessage({
        channelId: ch.id,
        guildId: ch.guildId,
        author: st.botAuthor,
        content: b.content as string | undefined,
        embeds: b.embeds as unknown[] | undefined,
        components: b.components as unknown[] | undefined,
        attachments: files.map((f, i) => ({ id: String(i), filename: f.filename, size: f.size, url: `http://stand-in/attachments/${f.filename}` })),
        flags: (b.flags as number | undefined) ?? 0,
        tts: b.tts === true,
        ...(ref?.message_id ? { messageReference: { type: 0, message_id: ref.message_id, channel_id: ch.id, ...(ch.guildId ? { guild_id: ch.guildId } : {}) } } : {}),
        source: 'bot',
      });
      return ok(message);
    });
    this.route('PATCH', '/channels/:channelId/messages/:messageId', c, ({ params, body }) => {
      const m = st.messages.get(params.messageId!);
      if (!m || m.deleted || m.channelId !== params.channelId) return apiError(404, 10008, 'Unknown Message');
      if ((m.message.author as Json).id !== idx.world.bot.id) return apiError(403, 50005, 'Cannot edit a message authored by another user');
      const bad = checkMessageBody({ ...m.message, ...(body ?? {}) });
      if (bad) return bad;
      return ok(st.editMessage(params.messageId!, (body ?? {}) as Json));
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', c, ({ params }) => {
      const m = st.messages.get(params.messageId!);
      if (!m || m.channelId !== params.channelId || !st.deleteMessage(params.messageId!)) return apiError(404, 10008, 'Unknown Message');
      return noContent;
    });

    // --- interactions -----------------------------------------------------------------------
    this.route('POST', '/interactions/:interactionId/:token/callback', { auth: false, major: ['interactionId'] }, ({ params, body, query }) => {
      const rec = st.interactions.get(params.interactionId!);
      if (!rec || rec.token !== params.token) return apiError(404, 10062, 'Unknown interaction');
      const b = (body ?? {}) as Json;
      const type = b.type as number;
      const data = (b.data ?? {}) as Json;
      const at = Date.now();
      const fail = (r: Reply & { body: Json }) => {
        rec.callbacks.push({ type, data, at, status: r.status, code: r.body.code as number });
        return r;
      };
      if (rec.ack) return fail(apiError(400, 40060, 'Interaction has already been acknowledged.'));
      if (at - rec.firstDispatchedAt > this.o.interactionAckDeadlineMs) return fail(apiError(404, 10062, 'Unknown interaction'));
      // an autocomplete (4) takes only a type-8 result, which no other interaction type takes
      const isComponent = rec.type === 3 || rec.type === 5;
      const valid = isComponent ? [4, 5, 6, 7, 9] : rec.type === 4 ? [8] : [4, 5, 9];
      if (!valid.includes(type))
        return fail(
          apiError(400, 50035, 'Invalid Form Body', {
            errors: {
              type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Interaction response type ${type} is not valid for interaction type ${rec.type}` }] },
            },
          }),
        );
      if (type === 4 || type === 7) {
        const bad = checkMessageBody(type === 7 ? { content: 'x', ...data } : data);
        if (bad) return fail(bad);
      }
      if (type === 8) {
        const bad = checkAutocompleteChoices(data, focusedOptionType(rec.payload));
        if (bad) return fail(bad);
        rec.choices = copyJson(data.choices as AutocompleteChoice[]);
      }
      const p = rec.payload;
      const channelId = (p.channel as Json).id as string;
      const guildId = (p.guild_id as string | undefined) ?? null;
      const user = ((p.member as Json | undefined)?.user ?? p.user) as Json;
      const metadata = { id: rec.id, type: rec.type, user, authorizing_integration_owners: { 0: guildId } };
      if (type === 4 || type === 5) {
        const msg = st.createMessage({
          channelId,
          guildId,
          author: st.botAuthor,
          content: type === 4 ? (data.content as string | undefined) : '',
          embeds: type === 4 ? (data.embeds as unknown[] | undefined) : [],
          components: type === 4 ? (data.components as unknown[] | undefined) : [],
          // a deferred reply is a "thinking…" message (LOADING, 1 << 7), ephemeral when asked
          flags: type === 5 ? (((data.flags as number | undefined) ?? 0) & (1 << 6)) | (1 << 7) : ((data.flags as number | undefined) ?? 0),
          webhookId: idx.world.application.id,
          applicationId: idx.world.application.id,
          interactionMetadata: metadata,
          type: rec.type === 2 ? 20 : 0,
          source: 'interaction',
          interactionId: rec.id,
        });
        rec.originalMessageId = msg.id as string;
      } else if (type === 6 || type === 7) {
        const msgId = (p.message as Json | undefined)?.id as string | undefined;
        rec.originalMessageId = msgId ?? null;
        if (type === 7 && msgId) st.editMessage(msgId, data);
      }
      rec.ack = { type, at };
      rec.callbacks.push({ type, data, at, status: query.get('with_response') === 'true' ? 200 : 204 });
      if (query.get('with_response') !== 'true') return noContent;
      const m = rec.originalMessageId ? st.messages.get(rec.originalMessageId)?.message : undefined;
      return ok({
        interaction: {
          id: rec.id,
          type: rec.type,
          response_message_id: rec.originalMessageId,
          response_message_loading: type === 5,
          response_message_ephemeral: m ? ((m.flags as number) & (1 << 6)) !== 0 : false,
        },
        resource: { type, ...(m ? { message: m } : {}) },
      });
    });

    // --- webhooks: interaction follow-ups (application id + interaction token) and incoming webhooks
    type Target = { kind: 'interaction'; rec: InteractionRecord } | { kind: 'webhook'; id: string; name: string; channelId: string; guildId: string };
    const target = (webhookId: string, token: string): Target | Reply => {
      if (webhookId === world.application.id) {
        const rec = [...st.interactions.values()].find((i) => i.token === token);
        if (rec) return { kind: 'interaction', rec };
      }
      const wh = world.webhooks.find((w) => w.id === webhookId);
      if (!wh || st.deletedWebhooks.has(wh.id)) return apiError(404, 10015, 'Unknown Webhook');
      if (wh.token !== token) return apiError(401, 50027, 'Invalid Webhook Token');
      return { kind: 'webhook', id: wh.id, name: wh.name, channelId: wh.channelId, guildId: wh.guildId };
    };
    const w = { auth: false, major: ['webhookId', 'token'] };
    this.route('POST', '/webhooks/:webhookId/:token', w, ({ params, body, query, files }) => {
      const t = target(params.webhookId!, params.token!);
      if (!('kind' in t)) return t;
      const b = (body ?? {}) as Json;
      const bad = checkMessageBody({ ...b, attachments: files.length ? files : b.attachments });
      if (bad) return bad;
      if (t.kind === 'interaction') {
        const rec = t.rec;
        // no follow-ups before an acknowledgement, and none at all for autocomplete
        if (!rec.ack || rec.type === 4) return apiError(404, 10015, 'Unknown Webhook');
        const p = rec.payload;
        const msg = st.createMessage({
          channelId: (p.channel as Json).id as string,
          guildId: (p.guild_id as string | undefined) ?? null,
          author: st.botAuthor,
          content: b.content as string | undefined,
          embeds: b.embeds as unknown[] | undefined,
          components: b.components as unknown[] | undefined,
          flags: (b.flags as number | undefined) ?? 0,
          webhookId: world.application.id,
          applicationId: world.application.id,
          source: 'interaction',
          interactionId: rec.id,
        });
        rec.followUpIds.push(msg.id as string);
        return ok(msg);
      }
      const msg = st.createMessage({
        channelId: t.channelId,
        guildId: t.guildId,
        author: { id: t.id, username: b.username ?? t.name, discriminator: '0000', avatar: null, bot: true, global_name: null },
        content: b.content as string | undefined,
        embeds: b.embeds as unknown[] | undefined,
        components: b.components as unknown[] | undefined,
        flags: (b.flags as number | undefined) ?? 0,
        webhookId: t.id,
        source: 'webhook',
      });
      return query.get('wait') === 'true' ? ok(msg) : noContent;
    });
    const webhookMessage = (t: Target, messageId: string): string | null => {
      if (t.kind === 'interaction') {
        if (messageId === '@original') return t.rec.originalMessageId;
        return t.rec.followUpIds.includes(messageId) ? messageId : null;
      }
      const m = st.messages.get(messageId);
      return m && (m.message.webhook_id as string | undefined) === t.id ? messageId : null;
    };
    this.route('GET', '/webhooks/:webhookId/:token/messages/:messageId', w, ({ params }) => {
      const t = target(params.webhookId!, params.token!);
      if (!('kind' in t)) return t;
      const id = webhookMessage(t, params.messageId!);
      const m = id ? st.messages.get(id) : undefined;
      return m && !m.deleted ? ok(m.message) : apiError(404, 10008, 'Unknown Message');
    });
    this.route('PATCH', '/webhooks/:webhookId/:token/messages/:messageId', w, ({ params, body }) => {
      const t = target(params.webhookId!, params.token!);
      if (!('kind' in t)) return t;
      const id = webhookMessage(t, params.messageId!);
      const m = id ? st.messages.get(id) : undefined;
      if (!id || !m || m.deleted) return apiError(404, 10008, 'Unknown Message');
      const bad = checkMessageBody({ ...m.message, ...((body ?? {}) as Json) });
      if (bad) return bad;
      return ok(st.editMessage(id, (body ?? {}) as Json));
    });
    this.route('DELETE', '/webhooks/:webhookId/:token/messages/:messageId', w, ({ params }) => {
      const t = target(params.webhookId!, params.token!);
      if (!('kind' in t)) return t;
      const id = webhookMessage(t, params.messageId!);
      return id && st.deleteMessage(id) ? noContent : apiError(404, 10008, 'Unknown Message');
    });
  }
}

/** The type of the option an autocomplete interaction focuses (3 string when unknown). */
function focusedOptionType(payload: Json): number {
  const find = (list: Json[]): Json | undefined => {
    for (const o of list) {
      if (o.focused === true) return o;
      const inner = Array.isArray(o.options) ? find(o.options as Json[]) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const data = (payload.data ?? {}) as Json;
  return (find((data.options as Json[] | undefined) ?? [])?.type as number | undefined) ?? 3;
}

/**
 * Discord's checks of an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: `choices` is required,
 * at most 25; each has a name of 1–100 characters and a value, a string of at most 100
 * characters for a string option, a number (an integer for an integer option) otherwise.
 */
function checkAutocompleteChoices(data: Json, optionType: number): ReturnType<typeof apiError> | null {
  const invalid = (errors: Json) => apiError(400, 50035, 'Invalid Form Body', { errors: { data: { choices: errors } } });
  const choices = data.choices;
  if (choices === undefined || choices === null) return invalid({ _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] });
  if (!Array.isArray(choices)) return invalid({ _errors: [{ code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }] });
  if (choices.length > 25) return invalid({ _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] });
  const errors: Json = {};
  choices.forEach((c: unknown, i) => {
    const e: Json = {};
    const choice = (typeof c === 'object' && c !== null ? c : {}) as Json;
    if (typeof choice.name !== 'string')
      e.name = {
        _errors: [
          {
            code: choice.name === undefined ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_STRING',
            message: choice.name === undefined ? 'This field is required' : 'Could not interpret as string.',
          },
        ],
      };
    else if (choice.name.length < 1 || choice.name.length > 100) e.name = { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] };
    const v = choice.value;
    if (v === undefined || v === null) e.value = { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] };
    else if (optionType === 3) {
      if (typeof v !== 'string') e.value = { _errors: [{ code: 'BASE_TYPE_STRING', message: 'Could not interpret as string.' }] };
      else if (v.length > 100) e.value = { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' }] };
    } else if (typeof v !== 'number' || !Number.isFinite(v) || (optionType === 4 && !Number.isInteger(v))) {
      e.value = { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${String(v)}" is not ${optionType === 4 ? 'int' : 'a valid number'}.` }] };
    }
    if (Object.keys(e).length) errors[String(i)] = e;
  });
  return Object.keys(errors).length ? invalid(errors) : null;
}
