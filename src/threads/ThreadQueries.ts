/**
 * The supervisor's side of the control path: post one query to each live thread and
 * collect their answers, each within `timeoutMs`; a thread that is down or silent by
 * then is an answer with `error`.
 *
 * @example
 * const queries = new ThreadQueries();
 * const answers = await queries.ask(threads, { op: "stats" }, 1000);
 * queries.settle(id, role, threadId, { value }); // from the thread's controlAnswer
 */
import type { SupervisorToThread, ThreadQuery } from "./control.ts";

/** A thread the query can go to (`post` is null while it is down). */
export interface QueryTarget { role: "worker" | "broker"; id: number; post: ((message: SupervisorToThread) => void) | null }

export interface QueryAnswer { role: "worker" | "broker"; id: number; value?: unknown; error?: string }

export class ThreadQueries {
  readonly #waiting = new Map<number, (answer: { value?: unknown; error?: string }) => void>();
  #nextId = 1;

  ask(targets: QueryTarget[], query: ThreadQuery, timeoutMs: number): Promise<QueryAnswer[]> {
    return Promise.all(targets.map((target) => new Promise<QueryAnswer>((resolve) => {
      const { role, id } = target;
      if (!target.post) return resolve({ role, id, error: `${role} ${id} is down` });
      const qid = this.#nextId++;
      const timer = setTimeout(() => {
        this.#waiting.delete(qid);
        resolve({ role, id, error: `${role} ${id} did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.#waiting.set(qid, (answer) => {
        clearTimeout(timer);
        this.#waiting.delete(qid);
        resolve({ role, id, ...answer });
      });
      target.post({ type: "control", id: qid, op: query.op, args: query.args });
    })));
  }

  /** A thread answered query `id`. */
  settle(id: number, answer: { value?: unknown; error?: string }): void {
    this.#waiting.get(id)?.(answer.error === undefined ? { value: answer.value } : { error: answer.error });
  }
}
