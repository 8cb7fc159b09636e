/** Most answers a room keeps; the general chat has every user of the platform as a member. */
const MEMBER_CACHE_MAX = 10_000;

/**
 * A chat room's answers to "is this user a member?", checked on every frame: asked of D1 once per
 * user, then from memory until the Worker says the members changed (`forget`). When full, the
 * oldest answer makes room for the new one.
 */
export class MemberCache {
  private readonly answers = new Map<string, boolean>();

  constructor(
    private readonly lookup: (userId: string) => Promise<boolean>,
    private readonly max = MEMBER_CACHE_MAX,
  ) {}

  async isMember(userId: string): Promise<boolean> {
    const cached = this.answers.get(userId);
    if (cached !== undefined) return cached;
    const member = await this.lookup(userId);
    if (this.answers.size >= this.max) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(userId, member);
    return member;
  }

  /** The user's membership changed: the next question asks D1 again. */
  forget(userId: string): void {
    this.answers.delete(userId);
  }

  clear(): void {
    this.answers.clear();
  }

  /** How many answers are kept. */
  get size(): number {
    return this.answers.size;
  }
}
