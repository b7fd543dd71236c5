import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_TIME_JUMP, EventClock } from "../../src/engine/clock.js";

describe("EventClock", () => {
  it("moves with ordinary steps and refuses a jump beyond maxTimeJump, counting it", () => {
    const clock = new EventClock({ maxTimeJump: 100, now: null });
    expect(clock.accept(1000)).toBe(true);
    expect(clock.accept(1100)).toBe(true);
    expect(clock.accept(900)).toBe(true);
    expect(clock.newest).toBe(1100);
    expect(clock.accept(1201)).toBe(false);
    expect(clock.newest).toBe(1100);
    expect(clock.futureSetAside).toBe(1);
    expect(clock.accept(1200)).toBe(true);
  });

  it("measures a jump from the reference clock when it is ahead of the events", () => {
    let now = 5000;
    const clock = new EventClock({ maxTimeJump: 100, now: () => now });
    expect(clock.accept(1000)).toBe(true);
    expect(clock.accept(5100)).toBe(true);
    expect(clock.accept(5300)).toBe(false);
    now = 5250;
    expect(clock.accept(5300)).toBe(true);
  });

  it("asks the reference clock only for steps larger than maxTimeJump", () => {
    let calls = 0;
    const clock = new EventClock({
      maxTimeJump: 100,
      now: () => {
        calls++;
        return 0;
      },
    });
    clock.accept(10);
    const before = calls;
    for (let t = 20; t < 1000; t += 10) clock.accept(t);
    expect(calls).toBe(before);
  });

  it("uses Date.now and one hour by default", () => {
    const clock = new EventClock();
    expect(DEFAULT_MAX_TIME_JUMP).toBe(3_600_000);
    expect(clock.accept(Date.now() + 60_000)).toBe(true);
    expect(clock.accept(Date.parse("2099-01-01T00:00:00Z"))).toBe(false);
  });

  it("accepts any first time without a reference clock, and every jump with Infinity", () => {
    expect(new EventClock({ now: null }).accept(4_000_000_000_000)).toBe(true);
    const free = new EventClock({ maxTimeJump: Number.POSITIVE_INFINITY });
    expect(free.accept(0)).toBe(true);
    expect(free.accept(4_000_000_000_000)).toBe(true);
    expect(() => new EventClock({ maxTimeJump: -1 })).toThrow(RangeError);
  });
});
