/**
 * A pass every `intervalMs`, never two at once: the next is scheduled when one ends. stop()
 * aborts the pass's signal, so it starts no new checks, and waits for the checks in flight, so
 * shutdown never cuts a transition. Timers are unref'd.
 */
export interface Loop {
  start(): void;
  stop(): Promise<void>;
}

export function createLoop(intervalMs: number, tick: (signal: AbortSignal) => Promise<void>): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopping = new AbortController();
  let stopped = true;

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick(stopping.signal).finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      stopping = new AbortController();
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      stopping.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
