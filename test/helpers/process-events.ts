/**
 * Process events one second apart on 13 hosts (`h0`…`h12`, named `host-0`…), from 2024-06-01T00:00Z
 * plus `from` seconds: names cycle so that `a` is followed by `b` on some hosts within seconds, and
 * the same name appears on different hosts close in time. For the tests of partitioned workers.
 */
export function processEvents(count: number, from = 0): Record<string, unknown>[] {
  const names = ["a", "b", "c", "x", "a", "x", "b"];
  const out: Record<string, unknown>[] = [];
  for (let i = from; i < from + count; i++) {
    const h = i % 13;
    out.push({
      "@timestamp": new Date(Date.UTC(2024, 5, 1) + i * 1000).toISOString(),
      event: { category: ["process"], type: ["start"] },
      host: { id: `h${h}`, name: `host-${h}` },
      process: { name: names[(Math.floor(i / 13) + h) % 7], pid: i },
    });
  }
  return out;
}
