/**
 * The commands run from build/ (package.json, the Dockerfile, compose, k8s/): each is an entry
 * point of the bundle, build/X.js made from src/X.ts. Any other file of src/ is inside a chunk,
 * so a command naming it would find nothing: synth and the tests check every command against
 * this list without running the build.
 */
export const OUT_DIR = 'build';
export const SOURCE_DIR = 'src';

export const ENTRY_POINTS = [
  'source-maps',
  'instrument',
  'server',
  'feexpay/simulator/main',
  'cli/archive-logs',
  'cli/audit-export',
  'cli/merchant-create',
  'cli/migrate',
  'cli/openapi-export',
  'cli/report-weekly',
] as const;

/** The source a build/ file is bundled from: `build/cli/migrate.js` -> `src/cli/migrate.ts`. */
export function sourceOf(built: string): string {
  const rel = built.replace(/^\.\//, '');
  const entry = rel.startsWith(`${OUT_DIR}/`) && rel.endsWith('.js') ? rel.slice(OUT_DIR.length + 1, -'.js'.length) : undefined;
  if (!entry || !(ENTRY_POINTS as readonly string[]).includes(entry)) {
    throw new Error(`${built} is not an entry point of the bundle (bundle/entry-points.ts)`);
  }
  return `${SOURCE_DIR}/${entry}.ts`;
}
