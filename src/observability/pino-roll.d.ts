// pino-roll ships no types: the part of its API log-destination.ts uses.
declare module 'pino-roll' {
  import type pino from 'pino';

  interface RollOptions {
    file: string;
    size?: string | number;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    minLength?: number;
    periodicFlush?: number;
  }

  /** A sonic-boom that moves to the next numbered file past `size`; `file` is the one being written. */
  type RolledDestination = ReturnType<typeof pino.destination> & { file?: string };

  export default function roll(options: RollOptions): Promise<RolledDestination>;
}
