/**
 * `npm run bench:log [-- lines]`: the CPU one access line costs, through the service's own logger
 * (serializers, masking, redaction, destinations), to stdout alone and with the LOG_DIR files,
 * each written to a temporary directory. What a read pays for being logged, without the noise of
 * an HTTP load on a shared machine (docs/benchmarks.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeLogger, createLogger } from '../src/observability/logger.ts';

const lines = Number(process.argv[2] ?? 100_000);
// A read as Fastify hands it to the access line: the request, the reply, the time taken.
const request = {
  method: 'GET',
  url: '/v1/payments/3f1c2a9e-0b7d-4c1e-9a55-4e66141a7b0c',
  host: '127.0.0.1:3000',
  ip: '127.0.0.1',
  socket: { remoteAddress: '127.0.0.1', remotePort: 51234 },
};
const reply = { statusCode: 200 };

async function measure(withFiles: boolean): Promise<{ cpuUs: number; wallUs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-log-bench-'));
  try {
    const log = createLogger({ level: 'info', logDir: withFiles ? path.join(dir, 'files') : null, stdout: path.join(dir, 'stdout.jsonl') });
    const run = (n: number) => {
      for (let i = 0; i < n; i++) {
        // One child per request, as Fastify makes it, with a request id of the service's shape.
        const child = log.child({ reqId: `9b2e61d4-77aa-4f0e-8c1b-0022901${String(i % 100_000).padStart(5, '0')}` });
        child.info({ req: request, res: reply, responseTime: 1.234 }, 'request completed');
      }
    };
    run(20_000); // warm-up: JIT, and pino-roll's files opened
    const cpu = process.cpuUsage();
    const started = performance.now();
    run(lines);
    await closeLogger(log);
    const used = process.cpuUsage(cpu);
    return { cpuUs: (used.user + used.system) / lines, wallUs: ((performance.now() - started) * 1000) / lines };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const withFiles of [false, true, false, true]) {
  const r = await measure(withFiles);
  console.log(`${withFiles ? 'stdout + LOG_DIR files' : 'stdout'}: ${r.cpuUs.toFixed(1)} us of CPU per line (${r.wallUs.toFixed(1)} us wall), ${lines} lines`);
}
