import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { LiveFilter } from '../../../apps/api/src/live/live-filter';
import { LiveLimits, parseClientMessage, parseFrom } from '../../../apps/api/src/live/live.protocol';
import { SendBudget } from '../../../apps/api/src/live/send-budget';
import { originAllowed } from '../../../apps/api/src/live/live-auth';

describe('send budget: a slow client is bounded, never queued for', () => {
  test('events pass until the count or the bytes would go over the limit, then overflow', () => {
    const b = new SendBudget({ maxMessages: 3, maxBytes: 1000 });
    assert.equal(b.admit(0, 100), 'send');
    b.sending();
    b.sending();
    b.sending();
    assert.equal(b.admit(0, 10), 'overflow', 'a fourth frame in flight');
    b.written();
    assert.equal(b.admit(900, 100), 'send');
    assert.equal(b.admit(901, 100), 'overflow', 'bufferedAmount + frame over maxBytes');
  });

  test('resource samples are dropped at half the limit, never an overflow', () => {
    const b = new SendBudget({ maxMessages: 10, maxBytes: 1000 });
    assert.equal(b.admit(400, 100, true), 'send');
    assert.equal(b.admit(450, 100, true), 'drop');
    for (let i = 0; i < 6; i++) b.sending();
    assert.equal(b.admit(0, 1, true), 'drop');
  });

  test('a catch-up goes on below a quarter of each limit', () => {
    const b = new SendBudget({ maxMessages: 8, maxBytes: 1000 });
    assert.equal(b.drained(250), true);
    assert.equal(b.drained(251), false);
    for (let i = 0; i < 3; i++) b.sending();
    assert.equal(b.drained(0), false);
  });
});

const ev = (type: string, streamId: string, data: unknown = {}) => ({ type, streamId, data });

describe('live filter', () => {
  test('topics: an alert event is sent once, as alert when alerts are asked for', () => {
    const alert = ev('alert.raised', 'alerts', { agentId: 'a1', agentName: 'coder-1' });
    assert.equal(new LiveFilter(['events', 'alerts']).classify(alert), 'alert');
    assert.equal(new LiveFilter(['events']).classify(alert), 'event');
    assert.equal(new LiveFilter(['resources']).classify(alert), null);
    assert.equal(new LiveFilter(['alerts']).classify(ev('agent.deployed', 'agent-a1')), null);
  });

  test('agents by id or name; a name deployed after subscribing is followed by its new id', () => {
    const f = new LiveFilter(['events', 'resources'], ['coder-1', 'a9'], ['a1']);
    assert.equal(f.classify(ev('agent.container_started', 'agent-a1')), 'event');
    assert.equal(f.classify(ev('agent.container_started', 'agent-a2')), null);
    assert.equal(f.classify(ev('agent.name_claimed', 'agent-name-coder-1')), 'event');
    assert.equal(f.classify(ev('agent.container_started', 'agent-a9')), 'event', 'by id');
    assert.equal(f.wantsResource('a2'), false);
    assert.equal(f.wantsResource(null), true, 'the host');
    assert.equal(f.classify(ev('agent.deployed', 'agent-b7', { agentId: 'b7', name: 'coder-1' })), 'event');
    assert.equal(f.classify(ev('agent.container_started', 'agent-b7')), 'event', 'learnt from the deploy');
    assert.equal(f.wantsResource('b7'), true);
    assert.equal(f.classify(ev('template.version_registered', 'template-x', { name: 'coder-1' })), null, 'a template of the same name is not the agent');
  });
});

describe('client frames', () => {
  test('a good subscribe', () => {
    assert.deepEqual(parseClientMessage('{"type":"subscribe","topics":["events"],"agents":["x"]}'), {
      ok: true,
      message: { type: 'subscribe', topics: ['events'], agents: ['x'] },
    });
  });

  test('bad frames get a clear error, never an exception', () => {
    const cases: [string, string, RegExp][] = [
      ['not json', 'FRAME_INVALID', /JSON object/],
      ['null', 'FRAME_INVALID', /unknown message type null/],
      ['{"type":"hack"}', 'FRAME_INVALID', /unknown message type "hack"/],
      ['{"type":"subscribe","topics":[]}', 'SUBSCRIBE_INVALID', /topics: name at least one topic/],
      ['{"type":"subscribe","topics":["logs"]}', 'SUBSCRIBE_INVALID', /topics\.0/],
      ['{"type":"subscribe","topics":["events"],"extra":1}', 'SUBSCRIBE_INVALID', /extra/],
      [JSON.stringify({ type: 'subscribe', topics: ['events'], agents: Array(LiveLimits.MAX_AGENTS + 1).fill('a') }), 'SUBSCRIBE_INVALID', /agents/],
      [JSON.stringify({ type: 'subscribe', topics: ['events'], agents: ['x'.repeat(200)] }), 'SUBSCRIBE_INVALID', /agents\.0/],
    ];
    for (const [raw, code, message] of cases) {
      const r = parseClientMessage(raw);
      assert.equal(r.ok, false, raw);
      if (!r.ok) {
        assert.equal(r.code, code, raw);
        assert.match(r.message, message);
      }
    }
  });

  test('?from= is a position or absent', () => {
    assert.deepEqual(parseFrom(null), { ok: true, from: null });
    assert.deepEqual(parseFrom('0042'), { ok: true, from: '42' });
    assert.equal(parseFrom('-1').ok, false);
    assert.equal(parseFrom('1e9').ok, false);
    assert.equal(parseFrom('9'.repeat(30)).ok, false);
  });

  test('a cookie-authenticated upgrade must come from this host', () => {
    assert.equal(originAllowed({ host: 'sacp.local:3100', origin: 'http://sacp.local:3100' }, []), true);
    assert.equal(originAllowed({ host: 'sacp.local:3100', origin: 'https://evil.example' }, []), false);
    assert.equal(originAllowed({ host: 'sacp.local:3100' }, []), false);
    assert.equal(originAllowed({ host: 'x', origin: 'https://dash.example' }, ['https://dash.example']), true);
    assert.equal(originAllowed({ host: 'x', origin: 'null' }, []), false);
  });
});
