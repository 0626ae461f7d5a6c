import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { PendingConfirmations } from '../../../apps/discord-gateway/src/bot/pending-confirmations';

const limits = { max: 4, perUser: 2, ttlMs: 1000 };

describe('PendingConfirmations: bounded, oldest dropped first, and each drop said', () => {
  test('a user past their cap loses their oldest confirmation, which is handed back as evicted', () => {
    const p = new PendingConfirmations<string>(limits);
    assert.deepEqual(p.add('m1', 'alice', 'stop a', 0), []);
    assert.deepEqual(p.add('m2', 'alice', 'stop b', 1), []);
    const dropped = p.add('m3', 'alice', 'stop c', 2);
    assert.deepEqual(
      dropped.map((d) => [d.entry.origin, d.entry.requesterId, d.reason]),
      [['m1', 'alice', 'evicted']],
    );
    assert.deepEqual(p.get('m1', 3), { gone: 'evicted' });
    assert.equal((p.get('m3', 3) as { command: string }).command, 'stop c');
    assert.equal(p.size, 2);
  });

  test('past the total cap the oldest of anyone goes, never more than the cap are held', () => {
    const p = new PendingConfirmations<string>(limits);
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    const dropped = users.flatMap((u, i) => p.add(`m${i}`, u, u, i));
    assert.equal(p.size, 4);
    assert.deepEqual(
      dropped.map((d) => d.entry.origin),
      ['m0', 'm1', 'm2'],
    );
    for (const o of ['m0', 'm1', 'm2']) assert.deepEqual(p.get(o, 10), { gone: 'evicted' });
  });

  test('a confirmation expires after the TTL, is handed back once by prune, and a late click is told it expired', () => {
    const p = new PendingConfirmations<string>(limits);
    p.add('m1', 'alice', 'x', 0);
    assert.deepEqual(p.prune(500), []);
    const expired = p.prune(1001);
    assert.deepEqual(
      expired.map((d) => [d.entry.origin, d.reason]),
      [['m1', 'expired']],
    );
    assert.deepEqual(p.prune(1002), []);
    assert.deepEqual(p.get('m1', 1003), { gone: 'expired' });
    assert.deepEqual(p.get('never', 1003), { gone: 'unknown' });
  });

  test('a confirmation already running is kept to answer a second click, then forgotten quietly', () => {
    const p = new PendingConfirmations<string>(limits);
    p.add('m1', 'alice', 'x', 0);
    (p.get('m1', 1) as { started: boolean }).started = true;
    assert.deepEqual(p.prune(1500), [], 'not expired while it runs');
    assert.equal((p.get('m1', 1500) as { started: boolean }).started, true);
    assert.deepEqual(p.prune(2001), [], 'forgotten without a message');
    assert.deepEqual(p.get('m1', 2002), { gone: 'unknown' });
  });

  test('one running does not count against its user; waiting ones are dropped before running ones, which go quietly', () => {
    const p = new PendingConfirmations<string>({ max: 2, perUser: 1, ttlMs: 1000 });
    p.add('m1', 'alice', 'x', 0);
    (p.get('m1', 1) as { started: boolean }).started = true;
    assert.deepEqual(p.add('m2', 'alice', 'y', 2), [], 'alice may wait on one more while hers runs');
    assert.deepEqual(
      p.add('m3', 'bob', 'z', 3).map((d) => d.entry.origin),
      ['m2'],
      'the waiting one goes, not the running one',
    );
    (p.get('m3', 4) as { started: boolean }).started = true;
    assert.deepEqual(p.add('m4', 'carol', 'w', 5), [], 'only running ones left: the oldest goes without a message');
    assert.equal(p.size, 2);
    assert.deepEqual(p.get('m1', 6), { gone: 'unknown' });
  });

  test('memory stays bounded under a flood: 20,000 confirmations from 2,000 users', () => {
    const p = new PendingConfirmations<string>({ max: 500, perUser: 5, ttlMs: 60_000 });
    let dropped = 0;
    for (let i = 0; i < 20_000; i++) dropped += p.add(`m${i}`, `u${i % 2_000}`, 'x', i).length;
    assert.equal(p.size, 500);
    assert.equal(dropped, 20_000 - 500);
  });
});
