// Runs the compiled tests of one or more tiers with Node's test runner.
// Usage: node scripts/run-tests.js [--concurrency N] dist/test/unit [dist/test/integration ...]
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const args = process.argv.slice(2);
let concurrency = 1;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') concurrency = Number(args[++i]);
  else roots.push(args[i]);
}
const files = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.name.endsWith('.test.js')) files.push(p);
  }
};
for (const root of roots) {
  if (!fs.existsSync(root)) {
    console.error(`no compiled tests under ${root}: run "npm run build" first`);
    process.exit(2);
  }
  walk(root);
}
files.sort();
if (files.length === 0) {
  console.error(`no *.test.js files under ${roots.join(', ')}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
