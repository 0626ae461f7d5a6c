import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { allows, parseRoleMap, roleOf } from '../../../apps/discord-gateway/src/bot/roles';

// Discord role ids are snowflakes: 17-20 digits, beyond what a JS number holds exactly
const ADMIN = '1189403234567890123';
const OPS_A = '1189403234567890456';
const OPS_B = '1189403234567890457';
const VIEW = '1189403234567890789';

describe('parseRoleMap', () => {
  test('JSON: a list of ids per role; roles left out hold nobody', () => {
    assert.deepEqual(parseRoleMap(`{"admin":["${ADMIN}"],"operator":["${OPS_A}","${OPS_B}"]}`), { viewer: [], operator: [OPS_A, OPS_B], admin: [ADMIN] });
  });

  test('JSON: a single id may be given without a list, and blanks around the text are ignored', () => {
    assert.deepEqual(parseRoleMap(`  {"viewer":"${VIEW}"}\n`), { viewer: [VIEW], operator: [], admin: [] });
  });

  test('the short form role=id,id;role=id reads the same', () => {
    assert.deepEqual(parseRoleMap(`admin=${ADMIN};operator=${OPS_A},${OPS_B};viewer=${VIEW}`), { viewer: [VIEW], operator: [OPS_A, OPS_B], admin: [ADMIN] });
    assert.deepEqual(
      parseRoleMap(` admin = ${ADMIN} ; operator= ${OPS_A} , ${OPS_B} ;; `),
      { viewer: [], operator: [OPS_A, OPS_B], admin: [ADMIN] },
      'blanks and empty parts are tolerated',
    );
    assert.deepEqual(parseRoleMap(`operator=${OPS_A};operator=${OPS_B}`).operator, [OPS_A, OPS_B], 'a role named twice keeps both');
  });

  test('nothing configured: nobody holds a role', () => {
    assert.deepEqual(parseRoleMap(''), { viewer: [], operator: [], admin: [] });
    assert.deepEqual(parseRoleMap('   '), { viewer: [], operator: [], admin: [] });
  });

  test('an unknown role is named, with the roles there are', () => {
    assert.throws(() => parseRoleMap(`owner=${ADMIN}`), { message: 'unknown role "owner": use viewer, operator or admin' });
    assert.throws(() => parseRoleMap(`{"moderator":["${ADMIN}"]}`), { message: 'unknown role "moderator": use viewer, operator or admin' });
  });

  test('an id that is not a Discord role id is named, with how to copy one', () => {
    assert.throws(
      () => parseRoleMap('admin=@Admins'),
      (e: Error) => e.message.startsWith('"@Admins" is not a Discord role id') && /Copy Role ID/.test(e.message),
    );
    assert.throws(() => parseRoleMap(`{"admin":["${ADMIN}","12ab"]}`), { message: /^"12ab" is not a Discord role id/ });
    assert.throws(() => parseRoleMap('viewer=123'), { message: /^"123" is not a Discord role id/ }, 'too short to be a snowflake');
  });

  test('a part without "=" shows the expected form', () => {
    assert.throws(() => parseRoleMap(`admin ${ADMIN}`), { message: `"admin ${ADMIN}" should read role=id[,id…], e.g. operator=1189403234567890123` });
  });

  test("bad JSON says so, with the parser's reason", () => {
    assert.throws(() => parseRoleMap(`{"admin":["${ADMIN}"]`), { message: /^not valid JSON \(.+\)$/ });
  });

  test('a JSON list shape that is not role → ids, or a null id, is named', () => {
    assert.throws(() => parseRoleMap('{"admin": null}'), { message: /^"null" is not a Discord role id/ });
    assert.throws(() => parseRoleMap(`[${ADMIN}]`), { message: /^"\[\d+\]" should read role=id/ });
  });

  test('ids written as JSON numbers are refused rather than silently changed', () => {
    // 1189403234567890123 as a JS number is 1189403234567890200: a role id nobody holds
    assert.throws(
      () => parseRoleMap(`{"admin":[${ADMIN}],"viewer":[${VIEW}]}`),
      (e: Error) => /admin/.test(e.message) && /quotes/.test(e.message),
    );
    assert.throws(() => parseRoleMap(`{"operator":${OPS_A}}`), { message: /quotes/ });
  });
});

describe('roleOf and allows', () => {
  const map = parseRoleMap(`admin=${ADMIN};operator=${OPS_A},${OPS_B};viewer=${VIEW}`);

  test('a member holds the highest role any of their Discord roles maps to', () => {
    assert.equal(roleOf([VIEW], map), 'viewer');
    assert.equal(roleOf([OPS_B], map), 'operator');
    assert.equal(roleOf([VIEW, OPS_A], map), 'operator');
    assert.equal(roleOf([ADMIN, VIEW, OPS_A], map), 'admin', 'order does not matter');
    assert.equal(roleOf([VIEW, OPS_A, ADMIN], map), 'admin');
    assert.equal(roleOf(new Set([OPS_B, VIEW]), map), 'operator', 'any iterable of ids');
  });

  test('a member with no mapped role holds none', () => {
    assert.equal(roleOf([], map), null);
    assert.equal(roleOf(['999999999999999999'], map), null);
    assert.equal(roleOf([ADMIN], parseRoleMap('')), null, 'nothing configured');
  });

  test('allows: a role allows what it and every lower role may do', () => {
    assert.equal(allows('admin', 'operator'), true);
    assert.equal(allows('admin', 'admin'), true);
    assert.equal(allows('operator', 'operator'), true);
    assert.equal(allows('operator', 'viewer'), true);
    assert.equal(allows('operator', 'admin'), false);
    assert.equal(allows('viewer', 'operator'), false);
  });

  test('allows: commands needing no role are open to everyone, others to no one without a role', () => {
    assert.equal(allows(null, null), true);
    assert.equal(allows('viewer', null), true);
    assert.equal(allows(null, 'viewer'), false);
  });
});
