/**
 * `npm run build`: src/ bundled by esbuild into build/, what `npm start`, the image and the
 * Kubernetes manifests run. One minified bundle instead of tsc's file per module: the API holds
 * 12-23 MB less under load at the same CPU per request (every module's source text, record and
 * wrapper are kept for the process's life; docs/benchmarks.md, "The bundle").
 * Types are checked by `npm run typecheck`, not here.
 *
 * Entry points keep their paths (build/server.js, build/cli/migrate.js, ...); the modules they
 * share are chunks in build/chunks/, loaded once, so instrument.js and server.js see the same
 * Sentry client. What is left out of the bundle, loaded from node_modules when used:
 * - packages that read their own files at run time (PGlite's WebAssembly and data, swagger-ui's
 *   static files, pino-pretty, chart.js's browser build served by the admin page, ioredis's
 *   package.json),
 * - the drivers of knex's other dialects, which knex requires only when asked for them.
 *
 * The source map keeps the project's own mappings and only the start of each dependency's (see
 * dependency-mappings.ts): stack traces point at src/ lines, and at the dependency's file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { coarsenDependencyMappings } from './dependency-mappings.ts';
import { ENTRY_POINTS, OUT_DIR, SOURCE_DIR } from './entry-points.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, OUT_DIR);

const EXTERNAL = [
  '@electric-sql/pglite',
  'knex-pglite',
  '@fastify/swagger-ui',
  'pino-pretty',
  'chart.js',
  'ioredis',
  // knex's other dialects' drivers
  'better-sqlite3',
  'mariadb',
  'mysql',
  'mysql2',
  'oracledb',
  'pg-native',
  'pg-query-stream',
  'sqlite3',
  'tedious',
];

/** The admin page's assets, copied beside the output that holds src/admin/assets.ts, which reads them. */
const ADMIN_ASSETS_SOURCE = 'src/admin/assets.ts';
const ADMIN_ASSETS = 'admin-assets/';

// CommonJS dependencies call require() for Node's modules; an ES module has none of its own.
const BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

async function bundle(): Promise<void> {
  fs.rmSync(OUT, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS.map((e) => ({ in: `${SOURCE_DIR}/${e}.ts`, out: e })),
    outdir: OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: EXTERNAL,
    banner: { js: BANNER },
    define: { BUNDLED_ADMIN_ASSETS: JSON.stringify(ADMIN_ASSETS) },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js.map')) coarsenDependencyMappings(path.join(ROOT, file));
    if (ADMIN_ASSETS_SOURCE in output.inputs) {
      fs.cpSync(path.join(ROOT, path.dirname(ADMIN_ASSETS_SOURCE), 'assets'), path.join(ROOT, path.dirname(file), ADMIN_ASSETS), { recursive: true });
    }
  }
}

await bundle();
