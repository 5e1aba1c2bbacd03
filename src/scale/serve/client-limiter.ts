/** Per-client concurrency limit: at most `limit` requests in flight per client key (API key or address). */
export class ClientLimiter {
  private readonly active = new Map<string, number>();
  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1))
      throw new Error(`limit: must be a positive integer, got ${limit}`);
  }
  /** Takes a slot; false when the client is at its limit. */
  acquire(client: string): boolean {
    const count = this.active.get(client) ?? 0;
    if (count >= this.limit) return false;
    this.active.set(client, count + 1);
    return true;
  }
  release(client: string): void {
    const count = (this.active.get(client) ?? 1) - 1;
    if (count <= 0) this.active.delete(client);
    else this.active.set(client, count);
  }
  /** Requests in flight over all clients. */
  get inFlight(): number {
    let total = 0;
    for (const count of this.active.values()) total += count;
    return total;
  }
}
