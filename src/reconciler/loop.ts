/**
 * A pass every `intervalMs`, never two at once: the next is scheduled when one ends. stop() waits
 * for a pass in progress, so shutdown never cuts a transition. Timers are unref'd.
 */
export interface Loop {
  start(): void;
  stop(): Promise<void>;
}

export function createLoop(intervalMs: number, tick: () => Promise<void>): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
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
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
