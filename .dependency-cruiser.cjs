/**
 * Dependency rules, checked in CI (`npm run lint:deps`): dependencies point inward.
 * libs/domain is pure decision logic; libs/events is the wire contract; apps never
 * import each other.
 */
const IO_AND_FRAMEWORKS = [
  '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads|os)$',
  'node_modules/(pg|pg-[a-z-]+|@nats-io/[^/]+|dockerode|docker-modem|@nestjs/[^/]+|discord\\.js|@discordjs/[^/]+|express|ws)/',
];

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain decides; it does no I/O and knows no framework, bus, database or Docker client.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], path: IO_AND_FRAMEWORKS },
    },
    {
      name: 'domain-depends-on-contracts-only',
      comment: 'libs/domain may use libs/events (the contracts) and nothing else of the repo.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^(apps|cli|libs/(?!domain|events))' },
    },
    {
      name: 'presentation-is-pure',
      comment: 'libs/presentation turns contracts into words: no I/O, no framework, only libs/events and libs/domain.',
      severity: 'error',
      from: { path: '^libs/presentation/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-no-pkg', 'npm-unknown'], path: IO_AND_FRAMEWORKS },
    },
    {
      name: 'presentation-depends-on-contracts-only',
      severity: 'error',
      from: { path: '^libs/presentation/' },
      to: { path: '^(apps|cli|libs/(?!presentation|events|domain))' },
    },
    {
      name: 'events-are-plain-contracts',
      comment: 'libs/events is the public wire contract: schemas only.',
      severity: 'error',
      from: { path: '^libs/events/' },
      to: { path: '^(apps|cli|libs/(?!events))' },
    },
    {
      name: 'events-no-io',
      severity: 'error',
      from: { path: '^libs/events/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-no-pkg', 'npm-unknown'], path: IO_AND_FRAMEWORKS },
    },
    {
      name: 'agent-protocol-stands-alone',
      comment:
        'libs/agent-protocol is what agent authors use (and what the sim agent bundles): it depends on zod and the NATS client only, nothing else of the repo and no framework.',
      severity: 'error',
      from: { path: '^libs/agent-protocol/' },
      to: { path: ['^(apps|cli|libs/(?!agent-protocol))', 'node_modules/(?!(zod|@nats-io)/)'] },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|cli)/' },
    },
    {
      name: 'apps-never-import-each-other',
      comment: 'Services talk only through NATS.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'cli-talks-through-the-bus',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^apps/' },
    },
    {
      name: 'libs-entered-through-their-index',
      comment:
        'A lib is entered through its index (import from @sacp/<lib>), and its Nest part through the index of its nest/ folder (@sacp/<lib>/nest): what it does not export there is its own business.',
      severity: 'error',
      from: { path: '^(apps|cli|test|bench)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/(nest/)?index\\.ts$' },
    },
    {
      name: 'libs-enter-each-other-through-their-index',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/(nest/)?index\\.ts$'] },
    },
    {
      name: 'plain-libs-know-no-nest',
      comment:
        "A lib's classes are framework-free; only its nest/ folder (@sacp/<lib>/nest: modules, the bus transport, controllers) knows Nest. The CLI, which runs no Nest, loads none of it.",
      severity: 'error',
      from: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/nest/' },
      // a type (the logger implements Nest's LoggerService) compiles away
      to: { path: ['node_modules/(@nestjs/[^/]+|nestjs-pino)/', '^libs/[^/]+/src/nest/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-runs-no-nest',
      comment: 'sacp starts in a fraction of a second: it never loads Nest (about half a second on this machine).',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: ['node_modules/(@nestjs/[^/]+|nestjs-pino)/', '^libs/[^/]+/src/nest/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)dist/' },
  },
};
