/** A binary min-heap whose items know their position, so any item can be removed in O(log n). */

/** An item of an `IndexedHeap`: its position, or -1 when it is in none. */
export interface HeapItem {
  heapIndex: number;
}

/** A binary min-heap ordered by `before` (true when `a` must come out before `b`). */
export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The first item, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** The items in no particular order (for snapshots). */
  values(): readonly T[] {
    return this.items;
  }

  /** Add an item. */
  push(item: T): void {
    this.items.push(item);
    this.up(this.items.length - 1, item);
  }

  /** Remove and return the first item. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Remove `item` if it is in this heap. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i >= 0 && this.items[i] === item) this.removeAt(i);
  }

  private removeAt(i: number): void {
    const a = this.items;
    const gone = a[i] as T;
    gone.heapIndex = -1;
    const last = a.pop() as T;
    if (i === a.length) return;
    if (i > 0 && this.before(last, a[(i - 1) >> 1] as T)) this.up(i, last);
    else this.down(i, last);
  }

  private up(i: number, item: T): void {
    const a = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as T;
      if (!this.before(item, parent)) break;
      a[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    a[i] = item;
    item.heapIndex = i;
  }

  private down(i: number, item: T): void {
    const a = this.items;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(a[r] as T, a[l] as T) ? r : l;
      const child = a[c] as T;
      if (!this.before(child, item)) break;
      a[i] = child;
      child.heapIndex = i;
      i = c;
    }
    a[i] = item;
    item.heapIndex = i;
  }
}
