/**
 * Which alerts go out: the first occurrence of a fingerprint at once, repeats within the window
 * held back and counted, and never more than a fixed number of messages per hour in total, so an
 * hour-long outage sends a handful of messages rather than one per failed payment.
 */

export type Decision = { send: true; suppressed: number; suppressedSince?: number } | { send: false };

interface FingerprintState {
  lastSentAt: number;
  suppressed: number;
  suppressedSince?: number;
}

const HOUR_MS = 3_600_000;
// Fingerprints are meant to be a bounded set; this only protects memory from a caller that
// puts an id in one by mistake.
const MAX_FINGERPRINTS = 1_000;

export class Throttle {
  private readonly states = new Map<string, FingerprintState>();
  private sentAt: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxPerHour: number,
  ) {}

  decide(fingerprint: string, now: number): Decision {
    const state = this.states.get(fingerprint);
    if (state && now - state.lastSentAt < this.windowMs) return this.hold(state, now);

    this.sentAt = this.sentAt.filter((t) => now - t < HOUR_MS);
    if (this.sentAt.length >= this.maxPerHour) {
      // Over the global cap: counted on the fingerprint, reported by its next message.
      return this.hold(state ?? this.track(fingerprint, { lastSentAt: -Infinity, suppressed: 0 }), now);
    }

    this.sentAt.push(now);
    const decision: Decision = { send: true, suppressed: state?.suppressed ?? 0 };
    if (state?.suppressedSince !== undefined) decision.suppressedSince = state.suppressedSince;
    this.track(fingerprint, { lastSentAt: now, suppressed: 0 });
    return decision;
  }

  private hold(state: FingerprintState, now: number): Decision {
    if (state.suppressed === 0) state.suppressedSince = now;
    state.suppressed++;
    return { send: false };
  }

  private track(fingerprint: string, state: FingerprintState): FingerprintState {
    this.states.delete(fingerprint);
    if (this.states.size >= MAX_FINGERPRINTS) {
      // Map iteration is insertion order: the first key is the least recently sent.
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
    this.states.set(fingerprint, state);
    return state;
  }
}
