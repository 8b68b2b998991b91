/**
 * A thread's side of the control path: the ops it answers, by name. Worker threads get
 * the API ops (src/http/apiOps.ts) and anything else registered on the same table.
 *
 * @example
 * const handlers = new ControlHandlers();
 * handlers.on("connections", () => worker.clients.size);
 * await handlers.answer("connections"); // { value: 3 }
 */

export type ControlHandler = (args: any) => unknown;

export class ControlHandlers {
  readonly #ops = new Map<string, ControlHandler>();

  /** Answer `op` with `handler` (its value or promise); a second registration replaces the first. */
  on(op: string, handler: ControlHandler): this {
    this.#ops.set(op, handler);
    return this;
  }

  has(op: string): boolean {
    return this.#ops.has(op);
  }

  /** Run the op's handler: `{ value }`, or `{ error }` when it is unknown or throws. Never rejects. */
  async answer(op: string, args?: unknown): Promise<{ value?: unknown; error?: string }> {
    const handler = this.#ops.get(op);
    if (!handler) return { error: `No control op "${op}" on this thread` };
    try {
      return { value: await handler(args) };
    } catch (error) {
      return { error: (error as Error)?.message ?? String(error) };
    }
  }
}
