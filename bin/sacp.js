#!/usr/bin/env node
'use strict';
// The sacp command-line tool. Its TypeScript source is cli/src; this file only finds the build.
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('sacp is not built: run npm run build\n');
  process.exit(2);
}
require(entry).main();
