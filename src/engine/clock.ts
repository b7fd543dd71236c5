/**
 * The event-time clock of a stream, guarded against jumps: one event stamped far in the future
 * (a bad clock on a host, a year typed wrong) must not move time so far that every later event
 * counts as late and every waiting sequence is released at once.
 */
import { ownOptions } from "../options.js";

/** Default `maxTimeJump`: one hour. */
export const DEFAULT_MAX_TIME_JUMP = 60 * 60 * 1000;

/** Options of the clock. */
export interface ClockOptions {
  /**
   * How far in milliseconds an event may be ahead of both the newest accepted time and the
   * reference clock before it is set aside instead of moving the clock (default one hour;
   * `Infinity` accepts every jump).
   */
  maxTimeJump?: number;
  /**
   * The reference clock in epoch milliseconds (default `Date.now`). Replays of old data may pass
   * their own (the newest time over all streams, for instance); null means no reference, so only
   * the newest accepted time counts.
   */
  now?: (() => number) | null;
}

/** The newest accepted event time and what was refused as too far ahead of it. */
export class EventClock {
  /** The newest accepted time in epoch milliseconds (-Infinity before the first). */
  newest = Number.NEGATIVE_INFINITY;
  /** Times refused because they were more than `maxTimeJump` ahead. */
  futureSetAside = 0;
  private readonly maxJump: number;
  private readonly now: (() => number) | null;

  constructor(given: ClockOptions = {}) {
    const options = ownOptions(given);
    const maxJump = options.maxTimeJump ?? DEFAULT_MAX_TIME_JUMP;
    if (!(maxJump >= 0)) throw new RangeError(`maxTimeJump must be a number >= 0, got ${maxJump}`);
    this.maxJump = maxJump;
    this.now = options.now === undefined ? Date.now : options.now;
  }

  /** Whether `t` may move the clock (true when it is not ahead, or not too far ahead). */
  allows(t: number): boolean {
    if (t <= this.newest + this.maxJump) return true;
    // Only a large step asks the reference clock, so an ordinary event costs no call.
    const ref = this.now === null ? Number.NEGATIVE_INFINITY : this.now();
    const base = Math.max(this.newest, ref);
    return base === Number.NEGATIVE_INFINITY || t <= base + this.maxJump;
  }

  /**
   * Move the clock to `t` when allowed; returns whether `t` was accepted. A refused time is
   * counted in `futureSetAside` and leaves the clock where it was.
   */
  accept(t: number): boolean {
    if (!this.allows(t)) {
      this.futureSetAside++;
      return false;
    }
    if (t > this.newest) this.newest = t;
    return true;
  }
}
