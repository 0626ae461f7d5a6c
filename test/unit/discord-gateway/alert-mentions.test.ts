import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { composePosts, mentionOnCall, type AlertItem } from '../../../apps/discord-gateway/src/alerts/alert-format';

const raised = (seq: number, severity: 'info' | 'warning' | 'critical'): AlertItem => ({
  kind: 'raised',
  seq,
  at: null,
  data: { key: `k${seq}`, severity, agentId: null, agentName: `agent-${seq}`, cause: 'crash_loop', message: `agent-${seq} crashed`, lastLogLines: [] },
});
const resolved = (seq: number): AlertItem => ({ kind: 'resolved', seq, at: null, data: { key: `k${seq}`, agentId: null, message: 'back' }, agentName: `agent-${seq}` });

describe('mentionOnCall: who is pinged by alert messages', () => {
  test('without a role nobody is pinged, critical or not', () => {
    const alerts = [raised(1, 'critical')];
    const posts = mentionOnCall(composePosts(alerts, 5), alerts, null);
    assert.equal(posts[0]!.message.content, undefined);
    assert.deepEqual(posts[0]!.message.allowedMentions, { parse: [] });
  });

  test('a critical alert pings the role, and only that role; warnings and resolutions do not', () => {
    const alerts = [raised(1, 'critical'), raised(2, 'warning'), resolved(3)];
    const [post] = mentionOnCall(composePosts(alerts, 5), alerts, '1189403234567890123');
    assert.equal(post!.message.content, '<@&1189403234567890123> 1 critical alert');
    assert.deepEqual(post!.message.allowedMentions, { parse: [], roles: ['1189403234567890123'] });
    const quiet = [raised(4, 'warning'), resolved(5)];
    const [q] = mentionOnCall(composePosts(quiet, 5), quiet, '1189403234567890123');
    assert.equal(q!.message.content, undefined);
    assert.deepEqual(q!.message.allowedMentions, { parse: [] });
  });

  test('a burst summary with critical alerts in it pings once and says how many', () => {
    const alerts = Array.from({ length: 50 }, (_, n) => raised(n + 1, n % 10 === 0 ? 'critical' : 'warning'));
    const posts = mentionOnCall(composePosts(alerts, 5), alerts, '1189403234567890123');
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.message.content, '<@&1189403234567890123> 5 critical alerts');
  });
});
