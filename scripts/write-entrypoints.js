// Each service starts with `node dist/apps/<service>/main.js` (and the orchestrator's
// migration step with `node dist/apps/orchestrator/migrate.js`): write those entry points
// next to the compiled tree (tsc keeps the source layout, apps/<service>/src/main.js).
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
for (const app of fs.readdirSync(path.join(root, 'apps'))) {
  for (const entry of ['main.js', 'migrate.js']) {
    const compiled = path.join(root, 'dist/apps', app, 'src', entry);
    if (!fs.existsSync(compiled)) continue;
    fs.writeFileSync(path.join(root, 'dist/apps', app, entry), `require('./src/${entry}');\n`);
  }
}
