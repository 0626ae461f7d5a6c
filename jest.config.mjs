// Jest runs every test tier (unit, integration, e2e) from the TypeScript sources.
//
// ESM mode, because Nest 12's packages are ESM-only and Jest's CommonJS mode cannot load
// them: ts-jest emits ES modules (`useESM`, `.ts` treated as ESM) and Jest runs under
// `node --experimental-vm-modules` (the `jest` script in package.json). ts-jest only
// transpiles (isolatedModules): `tsc -p tsconfig.build.json --noEmit` (npm run typecheck,
// and the build) type-checks the tests, since ts-jest reports no type errors in ESM mode.
//
// The services the integration and end-to-end tests start run from dist/ as in production,
// so those tiers need `npm run build` first (scripts/test.sh and the test:* scripts do it).
//
// One project per tier; package.json's jest:<tier> scripts run one (`--selectProjects`).
// Unit test files run two at a time (--maxWorkers 2); integration and e2e files one at a
// time (--maxWorkers 1), as they share Docker, NATS and Postgres on this machine.
//
//   npm run jest -- test/unit/domain            any files, by path
//   npm run jest:unit -- -t 'agent decider'     one tier, tests by name

/** @param {'unit' | 'integration' | 'e2e'} tier */
const tier = (tier, extra = {}) => ({
  displayName: tier,
  rootDir: import.meta.dirname,
  roots: [`<rootDir>/test/${tier}`],
  testMatch: ['**/*.test.ts'],
  testEnvironment: 'node',
  // tests import describe/test/beforeAll/… from '@jest/globals', as they import anything else
  injectGlobals: false,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // the compiled copy of the tests under dist/ is for node, not for jest
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // the libraries' public doors, @sacp/<lib> and, for the Nest parts, @sacp/<lib>/nest (tsconfig.json "paths"; tsc-alias rewrites them in dist/)
  moduleNameMapper: { '^@sacp/([^/]+)/nest$': '<rootDir>/libs/$1/src/nest/index.ts', '^@sacp/([^/]+)$': '<rootDir>/libs/$1/src/index.ts' },
  // ES modules out: tsconfig.json's nodenext would emit CommonJS (package.json has no "type": "module")
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true, module: 'esnext', moduleResolution: 'bundler' } }],
  },
  ...extra,
});

export default {
  projects: [tier('unit'), tier('integration', { slowTestThreshold: 60 }), tier('e2e', { slowTestThreshold: 300 })],
  // for a test or a hook, 10 minutes; a test that needs longer says so (third argument)
  testTimeout: 600_000,
  // tests always run in worker processes, never inside jest's own (which one worker would
  // otherwise mean), and a worker is replaced once a file leaves it above 1 GB: every file
  // loads its own copy of the modules it imports (ESM in a VM context), which adds up over
  // the e2e tier
  workerIdleMemoryLimit: '1GB',
  // each file and each test as it finishes (scripts/jest-progress.mjs), then per file its
  // outcome and failures, and the summary (jest's default reporter)
  reporters: ['default', '<rootDir>/scripts/jest-progress.mjs'],
};
