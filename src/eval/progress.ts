/** A live progress bar on stderr: done/total, throughput and ETA; plain periodic lines when not a TTY. */
export class ProgressBar {
  private done = 0;
  private errors = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastLinePercent = -1;

  constructor(
    readonly total: number,
    readonly label = "samples",
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  advance(count = 1): void {
    this.done += count;
    this.draw(false);
  }

  error(): void {
    this.errors++;
    this.draw(false);
  }

  finish(): void {
    if (this.stream.isTTY) {
      this.draw(true);
      this.stream.write("\n");
    } else if (this.lastLinePercent < 100) this.draw(true);
  }

  /** The status line, e.g. "[████░░░░] 120/480 samples · 12.3/s · ETA 0:29 · 2 errors". */
  line(now = Date.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const rate = this.done / seconds;
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const width = 24;
    const filled = Math.round(fraction * width);
    const eta = rate > 0 ? formatDuration((this.total - this.done) / rate) : "?";
    const errors = this.errors > 0 ? ` · ${this.errors} errors` : "";
    return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${this.done}/${this.total} ${this.label} · ${rate.toFixed(1)}/s · ETA ${eta}${errors}`;
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (this.stream.isTTY) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line(now)}\x1b[K`);
      return;
    }
    const percent = this.total === 0 ? 100 : Math.floor((100 * this.done) / this.total / 10) * 10;
    if (force || percent > this.lastLinePercent) {
      this.lastLinePercent = percent;
      this.stream.write(`${this.line(now)}\n`);
    }
  }
}

export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}
