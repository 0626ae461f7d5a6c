import type { OfferReply } from './schemas';

/**
 * The answers given to recent offers, by taskId+attempt, so an offer sent again (its reply
 * was lost) is answered the same way. Bounded: the oldest answers are forgotten first.
 */
export class OfferCache {
  private readonly answers = new Map<string, Promise<OfferReply>>();

  constructor(private readonly max = 500) {}

  answer(taskId: string, attempt: number, decide: () => Promise<OfferReply>): Promise<OfferReply> {
    const key = `${taskId}#${attempt}`;
    const known = this.answers.get(key);
    if (known) return known;
    const answer = decide();
    this.answers.set(key, answer);
    while (this.answers.size > this.max) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }
}
