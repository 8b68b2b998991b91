/**
 * Collect one answer per expected party within a deadline; parties silent by then come
 * back as `missing(party)`. The waiting part of the control path (threads and hosts).
 *
 * @example
 * const pending = askWithin(["a", "b"], 1000, (id) => ({ id, error: "no answer" }));
 * pending.settle("a", { id: "a", value: 1 });
 * await pending.done; // [{ id: "a", value: 1 }, { id: "b", error: "no answer" }] after 1 s
 */

export interface PendingAnswers<K, A> {
  /** Record the answer of `party` (ignored when not expected or already answered). */
  settle(party: K, answer: A): void;
  /** Every expected party's answer, in the order expected. */
  done: Promise<A[]>;
}

export function askWithin<K, A>(parties: K[], timeoutMs: number, missing: (party: K) => A): PendingAnswers<K, A> {
  const answers = new Map<K, A>();
  let finish: () => void = () => {};
  const done = new Promise<A[]>((resolve) => {
    const timer = setTimeout(() => finish(), timeoutMs);
    finish = () => {
      clearTimeout(timer);
      resolve(parties.map((party) => answers.get(party) ?? missing(party)));
    };
  });
  if (parties.length === 0) finish();
  return {
    settle(party, answer) {
      if (!parties.includes(party) || answers.has(party)) return;
      answers.set(party, answer);
      if (answers.size === parties.length) finish();
    },
    done,
  };
}
