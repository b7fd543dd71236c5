import { describe, expect, it } from "vitest";
import { runIds, seqIds } from "./helpers.js";

const M = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, "@timestamp": i + 1 }));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("§10 pipe examples on M1..M20", () => {
  it("| head 5 | tail 2 → M4, M5", () =>
    expect(runIds("any where true | head 5 | tail 2", M)).toEqual([4, 5]));
  it("| tail 5 | head 2 → M16, M17", () =>
    expect(runIds("any where true | tail 5 | head 2", M)).toEqual([16, 17]));
  it("| tail 3 | tail 1 → M20", () => expect(runIds("any where true | tail 3 | tail 1", M)).toEqual([20]));
  it("| head 15 → M1..M10", () => expect(runIds("any where true | head 15", M)).toEqual(range(1, 10)));
  it("size 100, | head 15 → M1..M15", () =>
    expect(runIds("any where true | head 15", M, undefined, { size: 100 })).toEqual(range(1, 15)));
  it("head a | head b = head min", () => {
    expect(runIds("any where true | head 3 | head 5", M)).toEqual([1, 2, 3]);
    expect(runIds("any where true | head 5 | head 3", M)).toEqual([1, 2, 3]);
  });
  it("tail a | tail b = tail min", () => {
    expect(runIds("any where true | tail 2 | tail 5", M)).toEqual([19, 20]);
  });
  it("second pipe not smaller is ignored", () => {
    expect(runIds("any where true | head 3 | tail 10", M)).toEqual([1, 2, 3]);
    expect(runIds("any where true | tail 3 | head 10", M)).toEqual([18, 19, 20]);
    expect(runIds("any where true | head 3 | tail 3", M)).toEqual([1, 2, 3]);
  });
  it("head 0 / tail 0 return nothing", () => {
    expect(runIds("any where true | head 0", M)).toEqual([]);
    expect(runIds("any where true | tail 0", M)).toEqual([]);
    expect(runIds("any where true | head 5 | tail 0", M)).toEqual([]);
  });
  it("first pipe capped by size, later pipes narrow it", () => {
    // head 15 capped to 10 → M1..M10; tail 2 of that → M9, M10
    expect(runIds("any where true | head 15 | tail 2", M)).toEqual([9, 10]);
    // tail 15 capped to 10 → M11..M20; head 2 → M11, M12
    expect(runIds("any where true | tail 15 | head 2", M)).toEqual([11, 12]);
  });
  it("three pipes", () => {
    // head 10 → 1..10; tail 5 → 6..10; head 2 → 6,7
    expect(runIds("any where true | head 10 | tail 5 | head 2", M)).toEqual([6, 7]);
  });
  it("size smaller than pipe", () => {
    expect(runIds("any where true | tail 5", M, undefined, { size: 2 })).toEqual([19, 20]);
    expect(runIds("any where true | head 5 | tail 3", M, undefined, { size: 2 })).toEqual([1, 2]);
  });
  it("pipes apply to sequences", () => {
    const evs = Array.from({ length: 6 }, (_, i) => ({
      id: i + 1,
      "@timestamp": i + 1,
      event: { category: i % 2 === 0 ? "A" : "B" },
    }));
    const q = "sequence [A where true] [B where true]";
    expect(seqIds(q, evs)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(seqIds(`${q} | head 1`, evs)).toEqual([[1, 2]]);
    expect(seqIds(`${q} | tail 2`, evs)).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(seqIds(`${q} | tail 2 | head 1`, evs)).toEqual([[3, 4]]);
  });
});
