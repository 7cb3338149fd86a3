/**
 * The dashboard's static files, read once at start and served from memory: our script and
 * stylesheet, and chart.js's UMD build from node_modules, so the page needs no CDN and the CSP
 * can stay at 'self'. A fixed list also means no path from the URL ever reaches the filesystem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

// Under tsx, src/admin/assets beside this module; in the bundle, which moves this module into a
// chunk, the copy bundle/build.ts puts beside that chunk, under the name it defines here.
declare const BUNDLED_ADMIN_ASSETS: string | undefined;
const assetsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), typeof BUNDLED_ADMIN_ASSETS === 'string' ? BUNDLED_ADMIN_ASSETS : 'assets');
const chartDist = path.dirname(createRequire(import.meta.url).resolve('chart.js'));

const FILES: Record<string, { file: string; type: string }> = {
  'tables.js': { file: path.join(assetsDir, 'tables.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.js': { file: path.join(assetsDir, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'merchant-events.js': { file: path.join(assetsDir, 'merchant-events.js'), type: 'text/javascript; charset=utf-8' },
  'review.js': { file: path.join(assetsDir, 'review.js'), type: 'text/javascript; charset=utf-8' },
  'refresh.js': { file: path.join(assetsDir, 'refresh.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: path.join(assetsDir, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'chart.umd.min.js': { file: path.join(chartDist, 'chart.umd.min.js'), type: 'text/javascript; charset=utf-8' },
};

export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, { file, type }] of Object.entries(FILES)) {
    const body = fs.readFileSync(file);
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}
