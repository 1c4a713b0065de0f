/**
 * A bounded set of recently seen message ids, oldest evicted first. Sources use it to drop the
 * messages a server sends again after a reconnect, without growing without bound.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 5000) {}

  /** Remembers `id`; returns false when it was already seen (a duplicate). */
  add(id: string): boolean {
    if (this.ids.has(id)) {
      // Refresh its place so that ids still being repeated are the last to be forgotten.
      this.ids.delete(id);
      this.ids.add(id);
      return false;
    }
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
