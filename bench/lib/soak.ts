/**
 * A long run (`--soak <seconds>`): creation and reads alternate in 30 s slices while RSS is
 * sampled every 5 s. Memory is flat when the last minute's RSS is close to the first minute's.
 */
import type { BenchDatabase } from './database.ts';
import { getLoad, postLoad, type PassOptions } from './scenarios.ts';
import { sampleRss, type Proc } from './processes.ts';

export interface SoakResult {
  seconds: number;
  requests: number;
  firstMinuteMb: number;
  lastMinuteMb: number;
  maxMb: number;
  samples: { t: number; mb: number }[];
}

export async function runSoak(service: Proc, b: BenchDatabase, seconds: number, o: PassOptions, log: (line: string) => void): Promise<SoakResult> {
  const rss = sampleRss(service.pid, 5_000);
  const until = Date.now() + seconds * 1000;
  let requests = 0;
  for (let slice = 0; Date.now() < until; slice++) {
    const left = Math.max(1, Math.min(30, Math.round((until - Date.now()) / 1000)));
    const r = slice % 2 === 0 ? await postLoad(service, b, o, left) : await getLoad(service, b, await ids(b), o, left);
    requests += r.total;
    log(`soak: ${Math.round((seconds * 1000 - (until - Date.now())) / 1000)} s, ${r.requestsPerSec.toFixed(0)} req/s, non-2xx ${r.non2xx}`);
  }
  const { samples, maxMb } = rss.stop();
  const mean = (xs: { mb: number }[]) => xs.reduce((a, s) => a + s.mb, 0) / Math.max(1, xs.length);
  const end = samples.at(-1)?.t ?? 0;
  return {
    seconds,
    requests,
    firstMinuteMb: mean(samples.filter((s) => s.t <= 60)),
    lastMinuteMb: mean(samples.filter((s) => s.t >= end - 60)),
    maxMb,
    samples,
  };
}

async function ids(b: BenchDatabase): Promise<string[]> {
  return (await b.db('payments').select('id').orderBy('created_at', 'desc').limit(5_000)).map((r) => r.id as string);
}
