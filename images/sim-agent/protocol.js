// The sim agent's side of agent protocol v1 (docs/agent-protocol.asyncapi.yaml), on the
// control plane's own client (libs/agent-protocol), which scripts/build-images.sh bundles
// into agent-protocol.js next to this file. Loaded only when the container was given a
// bus credential (SACP_BUS_URL, SACP_BUS_USER, SACP_BUS_PASSWORD, SACP_AGENT_ID).
//
// Per task, from inputs.sim (all optional):
//   outcome        succeed (default) | fail | crash (the process exits 1) | hang (never reports) | refuse
//   workMs         how long the work takes (500)
//   progressSteps  progress reports during it (2)
//   reason         the failure reason for outcome fail
//   subtasks       [{member | role, title, instructions}]: a manager creates them first
'use strict';

const OUTCOMES = new Set(['succeed', 'fail', 'crash', 'hang', 'refuse']);
const clamp = (v, lo, hi, def) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.trunc(v))) : def);
const str = (v, max, def) => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : def);

/** The behaviour a task asks for; anything malformed falls back to the default. */
function simOf(inputs) {
  const sim = inputs && typeof inputs.sim === 'object' && inputs.sim !== null ? inputs.sim : {};
  const subtasks = Array.isArray(sim.subtasks) ? sim.subtasks.slice(0, 20) : [];
  return {
    outcome: OUTCOMES.has(sim.outcome) ? sim.outcome : 'succeed',
    workMs: clamp(sim.workMs, 0, 3_600_000, 500),
    progressSteps: clamp(sim.progressSteps, 0, 100, 2),
    reason: str(sim.reason, 2000, 'simulated failure'),
    subtasks: subtasks
      .filter((s) => s && typeof s === 'object')
      .map((s) => ({
        member: str(s.member, 100, null),
        role: s.member ? null : str(s.role, 100, null),
        title: str(s.title, 200, 'subtask'),
        instructions: str(s.instructions, 20000, ''),
      })),
  };
}

async function start({ log, shutdown, agentName }) {
  const { AgentClient } = require('./agent-protocol.js');
  let current = null; // { taskId, attempt, timer, cancelled }
  const client = await AgentClient.connect(process.env, { log: (level, msg, extra) => log(level, msg, extra) });
  log('info', 'bus connected', { user: process.env.SACP_BUS_USER, url: process.env.SACP_BUS_URL });

  const hello = () =>
    client
      .hello(current ? { busy: true, taskId: current.taskId, attempt: current.attempt } : { busy: false })
      .then((reply) => log('info', 'hello answered', { ok: reply.ok }))
      .catch((err) => log('warn', 'hello not answered', { error: err.message }));
  client.onReconnect(hello);

  const sleep = (task, ms) =>
    new Promise((resolve) => {
      task.timer = setTimeout(resolve, ms);
    });
  const stale = (task, reply) => {
    if (reply && reply.ok === false) {
      log('warn', 'report refused; dropping the task', { taskId: task.taskId, attempt: task.attempt, code: reply.error.code });
      if (current === task) current = null;
      return true;
    }
    return task.cancelled;
  };

  async function work(task, sim) {
    const steps = sim.progressSteps;
    const stepMs = steps > 0 ? sim.workMs / steps : sim.workMs;
    for (let i = 1; i <= steps; i++) {
      await sleep(task, stepMs);
      if (task.cancelled) return;
      if (stale(task, await client.progress({ taskId: task.taskId, attempt: task.attempt, percent: Math.round((i / steps) * 100), message: `step ${i} of ${steps}` }))) return;
    }
    if (steps === 0) await sleep(task, stepMs);
    if (task.cancelled) return;
    const created = [];
    for (const s of sim.subtasks) {
      const reply = await client.createSubtask({ parentTaskId: task.taskId, ...s });
      log(reply.ok ? 'info' : 'warn', 'subtask', reply.ok ? { taskId: reply.taskId, title: s.title } : { title: s.title, error: reply.error });
      if (reply.ok) created.push(reply.taskId);
      if (task.cancelled) return;
    }
    if (sim.outcome === 'crash') return shutdown(1, 'crashing on purpose', { taskId: task.taskId });
    if (sim.outcome === 'hang') return log('info', 'hanging on purpose', { taskId: task.taskId });
    const reply =
      sim.outcome === 'fail'
        ? await client.fail({ taskId: task.taskId, attempt: task.attempt, reason: sim.reason })
        : await client.succeed({ taskId: task.taskId, attempt: task.attempt, result: { agent: agentName, workMs: sim.workMs, subtasks: created } });
    log('info', 'task finished', { taskId: task.taskId, attempt: task.attempt, outcome: sim.outcome, ok: reply.ok });
    if (current === task) current = null;
  }

  client.onOffer((offer) => {
    const sim = simOf(offer.inputs);
    if (current) return { accepted: false, reason: `busy with task ${current.taskId} (attempt ${current.attempt})` };
    if (sim.outcome === 'refuse') return { accepted: false, reason: 'refused on purpose (inputs.sim.outcome = refuse)' };
    const task = { taskId: offer.taskId, attempt: offer.attempt, timer: null, cancelled: false };
    current = task;
    log('info', 'task accepted', { taskId: task.taskId, attempt: task.attempt, title: offer.title, outcome: sim.outcome });
    setImmediate(() => work(task, sim).catch((err) => log('error', 'task work failed', { taskId: task.taskId, error: err.message })));
    return { accepted: true };
  });

  client.onCancel((cancel) => {
    if (!current || current.taskId !== cancel.taskId || current.attempt !== cancel.attempt) return;
    log('info', 'task cancelled', { taskId: cancel.taskId, attempt: cancel.attempt, reason: cancel.reason });
    current.cancelled = true;
    clearTimeout(current.timer);
    current = null;
  });

  await hello();
  return client;
}

module.exports = { start, simOf };
