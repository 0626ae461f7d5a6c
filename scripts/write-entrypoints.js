// Each service starts with `node dist/apps/<service>/main.js`: write that entry point
// next to the compiled tree (tsc keeps the source layout, apps/<service>/src/main.js).
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
for (const app of fs.readdirSync(path.join(root, 'apps'))) {
  const compiled = path.join(root, 'dist/apps', app, 'src/main.js');
  if (!fs.existsSync(compiled)) continue;
  fs.writeFileSync(path.join(root, 'dist/apps', app, 'main.js'), "require('./src/main.js');\n");
}
