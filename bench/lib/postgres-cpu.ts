/**
 * PostgreSQL's CPU, read from /proc: the server runs on this machine, so the utime + stime of its
 * processes is the database work a load cost. Two figures: every process of the server (what the
 * issue's "database CPU per payment" means, background writers and other databases' backends
 * included, so other work on the shared server shows in it) and only the backends connected to
 * one database (the part that is certainly the load's). A backend that ends hands its whole
 * lifetime's CPU to the postmaster's cutime: what it had used before the segment is subtracted,
 * or a pool closing idle connections put minutes of earlier work into the segment running then.
 * (Its own-database share cannot be told after it ended: the second figure misses it.)
 */
import fs from 'node:fs';

const TICK = 100; // USER_HZ: /proc reports CPU in 1/100 s on Linux

interface Proc {
  cpu: number;
  cmdline: string;
}

function postgresProcesses(): Map<number, Proc> {
  const found = new Map<number, Proc>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      // cutime + cstime: the postmaster holds the CPU of the backends that ended (its reaped children).
      const cpu = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      found.set(Number(entry), { cpu: cpu / TICK, cmdline });
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

export interface PostgresCpuSample {
  stop(): { serverSeconds: number; databaseSeconds: number };
}

/** Starts counting; processes that start meanwhile count in full, those that end in their parent's figure. */
export function samplePostgresCpu(database: string): PostgresCpuSample {
  const before = postgresProcesses();
  return {
    stop() {
      let serverSeconds = 0;
      let databaseSeconds = 0;
      const after = postgresProcesses();
      for (const [pid, p] of after) {
        const delta = p.cpu - (before.get(pid)?.cpu ?? 0);
        serverSeconds += delta;
        if (p.cmdline.includes(` ${database} `)) databaseSeconds += delta;
      }
      for (const [pid, p] of before) if (!after.has(pid)) serverSeconds -= p.cpu;
      return { serverSeconds, databaseSeconds };
    },
  };
}
