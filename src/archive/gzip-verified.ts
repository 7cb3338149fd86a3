/**
 * Compresses one file and proves the archive before anyone may delete the original: the gzip is
 * written under a temporary name, flushed to disk, read back and decompressed, and its content
 * hash must equal the original's. The original must also not have changed meanwhile.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

export interface GzipResult {
  bytesIn: number;
  bytesOut: number;
  sha256: string;
}

function hashingTap(hash: ReturnType<typeof createHash>, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      cb(null, chunk);
    },
  });
}

/** SHA-256 of a gzip file's decompressed content (throws on a corrupt archive). */
export async function gunzipHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), zlib.createGunzip(), hashingTap(hash, { bytes: 0 }), async function* (source) {
    for await (const _ of source) {
      // drain: the tap has hashed it
    }
  });
  return hash.digest('hex');
}

export async function gzipVerified(src: string, dest: string): Promise<GzipResult> {
  const before = fs.statSync(src);
  const tmp = `${dest}.partial`;
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  try {
    await pipeline(fs.createReadStream(src), hashingTap(hash, counter), zlib.createGzip({ level: 9 }), fs.createWriteStream(tmp, { mode: 0o640 }));
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const sha256 = hash.digest('hex');
    const after = fs.statSync(src);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || counter.bytes !== before.size) {
      throw new Error(`${src} changed while it was being archived`);
    }
    if ((await gunzipHash(tmp)) !== sha256) throw new Error(`the archive of ${src} does not decompress to the original`);
    // Keep the log's own last-write time: retention counts from when the log was written.
    fs.utimesSync(tmp, before.atime, before.mtime);
    fs.renameSync(tmp, dest);
    return { bytesIn: counter.bytes, bytesOut: fs.statSync(dest).size, sha256 };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
