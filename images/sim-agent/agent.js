#!/usr/bin/env node
// SuperAgent sim agent: a stand-in for a real AI-agent container, used by tests and
// demos. Plain JavaScript, no dependencies. Behaviour is driven by environment
// variables at start and by `sim-ctl <verb> [arg]` (run with `docker exec`) at run
// time; see README.md next to this file for the full list.
//
// Two HTTP servers:
//   0.0.0.0:SIM_HTTP_PORT (8080)      GET /health -> 200 {"healthy":true} | 503 {"healthy":false}
//                                     GET /status -> state as JSON
//   127.0.0.1:SIM_CONTROL_PORT (8081) the control API sim-ctl talks to (loopback only):
//                                     GET /health, GET /status,
//                                     POST /exit/<code> /alloc/<mb> /free /unhealthy
//                                          /healthy /idle /busy /active
'use strict';

const http = require('http');

const env = process.env;
const startedAt = Date.now();

function intEnv(name, def) {
  const v = env[name];
  if (v === undefined || v.trim() === '') return def;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : def;
}
function flagEnv(name) {
  const v = (env[name] || '').trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

const cfg = {
  agent: env.SACP_AGENT_NAME || null,
  heartbeatMs: Math.max(10, intEnv('SIM_HEARTBEAT_MS', 1000)),
  httpPort: intEnv('SIM_HTTP_PORT', 8080),
  controlPort: intEnv('SIM_CONTROL_PORT', 8081),
  exitAfterMs: intEnv('SIM_EXIT_AFTER_MS', null),
  exitCode: intEnv('SIM_EXIT_CODE', 0),
  memoryMb: intEnv('SIM_MEMORY_MB', 0),
  unhealthyAfterMs: intEnv('SIM_UNHEALTHY_AFTER_MS', null),
  idle: flagEnv('SIM_IDLE'),
  busy: flagEnv('SIM_BUSY'),
  busyPct: Math.min(100, Math.max(1, intEnv('SIM_BUSY_PCT', 50))),
};

const state = {
  mode: 'active', // active | idle | busy
  healthy: true,
  heartbeats: 0,
  allocatedMb: 0,
  busyOps: 0,
};
const held = []; // buffers kept alive by `alloc`
let heartbeatTimer = null;
let busyTimer = null;
let stopping = false;

// ---------------------------------------------------------------- logging
function log(level, msg, extra) {
  const line = { ts: new Date().toISOString(), level, msg, agent: cfg.agent, ...extra };
  // stdout to a pipe (docker's log driver) is synchronous in Node on Linux
  process.stdout.write(JSON.stringify(line) + '\n');
}

function snapshot() {
  const mem = process.memoryUsage();
  return {
    agent: cfg.agent,
    pid: process.pid,
    mode: state.mode,
    healthy: state.healthy,
    heartbeats: state.heartbeats,
    allocatedMb: state.allocatedMb,
    rssMb: Math.round(mem.rss / 1048576),
    uptimeMs: Date.now() - startedAt,
  };
}

// ---------------------------------------------------------------- behaviours
function startHeartbeat() {
  if (heartbeatTimer) return;
  heartbeatTimer = setInterval(() => {
    state.heartbeats += 1;
    const extra = { n: state.heartbeats, mode: state.mode };
    if (state.mode === 'busy') extra.busyOps = state.busyOps;
    log('info', 'heartbeat', extra);
  }, cfg.heartbeatMs);
}
function stopHeartbeat() {
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  heartbeatTimer = null;
}

// Busy: burn CPU for busyPct% of every 100 ms slice, yielding in between so the
// HTTP servers stay responsive.
function busySlice() {
  const burnMs = cfg.busyPct;
  const end = Date.now() + burnMs;
  let x = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 10000; i++) x = (x * 1103515245 + 12345 + i) % 2147483647;
    state.busyOps += 1;
  }
  busyTimer = setTimeout(busySlice, Math.max(0, 100 - burnMs));
  return x;
}
function stopBusy() {
  if (busyTimer) clearTimeout(busyTimer);
  busyTimer = null;
}

function setMode(mode) {
  const prev = state.mode;
  if (mode === 'idle') {
    log('info', 'going idle', { from: prev });
    state.mode = 'idle';
    stopBusy();
    stopHeartbeat();
    return;
  }
  state.mode = mode;
  if (mode === 'busy') {
    log('info', 'going busy', { from: prev, busyPct: cfg.busyPct });
    if (!busyTimer) busyTimer = setTimeout(busySlice, 0);
  } else {
    log('info', 'going active', { from: prev });
    stopBusy();
  }
  startHeartbeat();
}

function setHealthy(healthy, reason) {
  state.healthy = healthy;
  log(healthy ? 'info' : 'warn', healthy ? 'healthy' : 'unhealthy', { reason });
}

// Allocate mb MiB and write to every page so it really counts against the
// container's memory limit (an OOM kill may happen while this runs).
function alloc(mb, reason) {
  log('info', 'allocating memory', { mb, reason, alreadyMb: state.allocatedMb });
  const chunk = 1048576;
  for (let i = 0; i < mb; i++) {
    const b = Buffer.allocUnsafe(chunk);
    b.fill((i % 251) + 1);
    held.push(b);
    state.allocatedMb += 1;
  }
  log('info', 'allocated memory', { mb, totalMb: state.allocatedMb, rssMb: snapshot().rssMb });
}
function free() {
  const mb = state.allocatedMb;
  held.length = 0;
  state.allocatedMb = 0;
  log('info', 'freed memory', { mb });
}

function shutdown(code, msg, extra) {
  if (stopping) return;
  stopping = true;
  stopHeartbeat();
  stopBusy();
  log(code === 0 ? 'info' : 'warn', msg, { code, ...extra });
  process.exit(code);
}

// ---------------------------------------------------------------- HTTP
// Prints `count` plain lines of exactly `size` bytes each (newline not counted):
// "line <i>/<count> " then "x" padding. In batches, so the agent keeps answering.
function printLines(count, size) {
  let i = 0;
  const batch = () => {
    const parts = [];
    for (let b = 0; b < 64 && i < count; b++, i++) {
      const head = 'line ' + i + '/' + count + ' ';
      parts.push(head + 'x'.repeat(Math.max(0, size - head.length)) + '\n');
    }
    const more = i < count;
    if (process.stdout.write(parts.join('')) || !more) {
      if (more) setImmediate(batch);
    } else process.stdout.once('drain', batch);
  };
  batch();
}

function send(res, status, body) {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.end(text);
}

function healthHandler(res) {
  send(res, state.healthy ? 200 : 503, { healthy: state.healthy });
}

function publicHandler(req, res) {
  const path = (req.url || '/').split('?')[0];
  if (req.method === 'GET' && path === '/health') return healthHandler(res);
  if (req.method === 'GET' && path === '/status') return send(res, 200, snapshot());
  send(res, 404, { error: 'not found' });
}

function controlHandler(req, res) {
  const path = (req.url || '/').split('?')[0];
  const [verb, arg, arg2] = path.split('/').filter(Boolean);
  if (req.method === 'GET' && verb === 'health') return healthHandler(res);
  if (req.method === 'GET' && verb === 'status') return send(res, 200, snapshot());
  if (req.method !== 'POST') return send(res, 404, { error: 'not found' });
  // Drain any request body (busybox wget sends an empty one).
  req.resume();
  const n = arg === undefined ? NaN : Number(arg);
  switch (verb) {
    case 'exit': {
      if (!Number.isInteger(n) || n < 0 || n > 255) return send(res, 400, { error: 'exit needs a code 0..255' });
      send(res, 200, { ok: true, verb, code: n });
      // answer first so `docker exec sim-ctl exit N` itself succeeds
      return setTimeout(() => shutdown(n, 'exiting', { reason: 'sim-ctl exit' }), 20);
    }
    case 'alloc': {
      if (!Number.isInteger(n) || n <= 0) return send(res, 400, { error: 'alloc needs a positive number of MB' });
      send(res, 200, { ok: true, verb, mb: n });
      return setTimeout(() => alloc(n, 'sim-ctl alloc'), 20);
    }
    case 'print': {
      const size = Number(arg2);
      if (!Number.isInteger(n) || n <= 0 || n > 1000000 || !Number.isInteger(size) || size < 16 || size > 1048576)
        return send(res, 400, { error: 'print needs a count 1..1000000 and a line size 16..1048576 bytes' });
      send(res, 200, { ok: true, verb, lines: n, bytes: size });
      return setTimeout(() => printLines(n, size), 20);
    }
    case 'free':
      free();
      return send(res, 200, { ok: true, verb, state: snapshot() });
    case 'unhealthy':
    case 'healthy':
      setHealthy(verb === 'healthy', 'sim-ctl ' + verb);
      return send(res, 200, { ok: true, verb, state: snapshot() });
    case 'idle':
    case 'busy':
    case 'active':
      setMode(verb);
      return send(res, 200, { ok: true, verb, state: snapshot() });
    default:
      return send(res, 404, { error: 'unknown verb ' + JSON.stringify(verb || '') });
  }
}

function listen(handler, port, host, name) {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 1000;
  server.on('error', (err) => shutdown(1, 'server error', { server: name, host, port, error: err.message }));
  server.listen(port, host);
  return server;
}

// ---------------------------------------------------------------- main
process.on('SIGTERM', () => shutdown(0, 'stopping', { signal: 'SIGTERM' }));
process.on('SIGINT', () => shutdown(0, 'stopping', { signal: 'SIGINT' }));
process.on('SIGHUP', () => {});
process.on('uncaughtException', (err) => shutdown(1, 'crashed', { error: String((err && err.stack) || err) }));

log('info', 'started', {
  pid: process.pid,
  node: process.version,
  uid: typeof process.getuid === 'function' ? process.getuid() : null,
  config: cfg,
});

if (cfg.httpPort > 0) listen(publicHandler, cfg.httpPort, '0.0.0.0', 'http');
if (cfg.controlPort > 0) listen(controlHandler, cfg.controlPort, '127.0.0.1', 'control');

if (cfg.idle) {
  setMode('idle');
} else if (cfg.busy) {
  setMode('busy');
} else {
  startHeartbeat();
}
if (cfg.memoryMb > 0) setTimeout(() => alloc(cfg.memoryMb, 'SIM_MEMORY_MB'), 0);
if (cfg.unhealthyAfterMs !== null && cfg.unhealthyAfterMs >= 0) {
  setTimeout(() => setHealthy(false, 'SIM_UNHEALTHY_AFTER_MS'), cfg.unhealthyAfterMs);
}
if (cfg.exitAfterMs !== null && cfg.exitAfterMs >= 0) {
  setTimeout(() => shutdown(cfg.exitCode, 'exiting', { reason: 'SIM_EXIT_AFTER_MS' }), cfg.exitAfterMs);
}
// agent protocol v1 (protocol.js), when the control plane gave this container a bus credential
if (env.SACP_BUS_URL && env.SACP_BUS_USER && env.SACP_BUS_PASSWORD && env.SACP_AGENT_ID) {
  require('./protocol.js')
    .start({ log, shutdown, agentName: cfg.agent })
    .catch((err) => log('error', 'agent protocol not started', { error: err.message }));
} else {
  log('info', 'no bus credential (SACP_BUS_*): agent protocol off');
}
