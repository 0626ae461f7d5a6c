/*
 * The dashboard's static serving (apps/api/src/web) in a real Nest HTTP application:
 * files with their types and caching, index.html for client routes, the strict
 * Content-Security-Policy (also when helmet runs first, as in main.ts), and /api,
 * /health and /metrics never shadowed, not even their 404s.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import helmet from 'helmet';
import { DASHBOARD_CSP, WebModule } from '../../../apps/api/src/web';

@Controller()
class Probe {
  @Get('api/v1/ping') ping() {
    return { pong: true };
  }
  @Get('health/live') live() {
    return { status: 'ok' };
  }
  @Get('metrics') metrics() {
    return 'sacp_up 1';
  }
}

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

async function start(dir: string): Promise<{ app: INestApplication; base: string }> {
  @Module({ imports: [WebModule.forRoot({ dir })], controllers: [Probe] })
  class Root {}
  const ref = await Test.createTestingModule({ imports: [Root] }).compile();
  const app = ref.createNestApplication({ logger: false });
  app.use(helmet());
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

describe('the dashboard served at / (Nest, real HTTP)', () => {
  let dir = '';
  let app: INestApplication;
  let base = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sacp-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets/index-abc.js'), SCRIPT);
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    ({ app, base } = await start(dir));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/ is index.html with a strict policy (self only, no inline script or style), also after helmet', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    assert.equal(await res.text(), INDEX);
    const csp = res.headers.get('content-security-policy')!;
    assert.equal(csp, DASHBOARD_CSP);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  test('a client route (a reload on /agents/coder-1) gets index.html; a missing file does not', async () => {
    for (const path of ['/agents/coder-1', '/templates/grok4', '/audit?actor=x']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), INDEX, path);
    }
    assert.equal((await fetch(`${base}/assets/missing-123.js`)).status, 404);
  });

  test('hashed assets are immutable, gzip when asked, and 304 on a matching ETag', async () => {
    const res = await fetch(`${base}/assets/index-abc.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/javascript/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-encoding'), 'gzip'); // fetch asks for gzip and unpacks it
    assert.equal(await res.text(), SCRIPT);
    const again = await fetch(`${base}/assets/index-abc.js`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
    const svg = await fetch(`${base}/favicon.svg`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  });

  test('/api, /health and /metrics stay the controllers’, their unknown paths a JSON 404, never the page', async () => {
    assert.deepEqual(JSON.parse(await (await fetch(`${base}/api/v1/ping`)).text()), { pong: true });
    assert.deepEqual(JSON.parse(await (await fetch(`${base}/health/live`)).text()), { status: 'ok' });
    assert.equal(await (await fetch(`${base}/metrics`)).text(), 'sacp_up 1');
    for (const path of ['/api/v1/nope', '/api', '/health/nope', '/metrics/x']) {
      const res = await fetch(`${base}${path}`, { headers: { Accept: 'text/html' } });
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type')!, /json/, path);
    }
  });

  test('only GET and HEAD: a POST to a page path is not the page', async () => {
    const post = await fetch(`${base}/agents/x`, { method: 'POST' });
    assert.equal(post.status, 404);
    const head = await fetch(`${base}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('an api without a built dashboard says how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sacp-web-empty-'));
    const other = await start(empty);
    try {
      const res = await fetch(`${other.base}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /npm run build/);
      assert.equal((await fetch(`${other.base}/health/live`)).status, 200);
    } finally {
      await other.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
