/**
 * A task that many requests share: the first `request()` schedules one run `delayMs` later and
 * every request until then joins it. The chat room uses it for group commit (sends arriving in
 * the same tick are stored together, one storage commit for all) and for the search index
 * (indexed in one statement shortly after a burst).
 */
export class CoalescedTask {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly task: () => void,
    private readonly delayMs: number,
  ) {}

  get pending(): boolean {
    return this.timer !== null;
  }

  request(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.task();
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
