/**
 * The control path from a worker thread: questions go to the main thread (which asks
 * every thread and host) over the supervisor's control channel, and come back as one
 * entry per host. Also answers the main thread's `control` messages with this thread's
 * ControlHandlers. The worker entry (worker.ts) wires both directions.
 *
 * @example
 * const control = new ThreadControl((message) => self.postMessage(message), handlers);
 * self.onmessage = (event) => control.receive(event.data); // "control" and "asked" messages
 * const hosts = await control.ask("channels", { pattern: "chat/*" });
 */
import type { SupervisorToThread, ThreadToSupervisor } from "../threads/control.ts";
import type { ControlHandlers } from "./ControlHandlers.ts";
import { type AskOptions, type ControlPlane, type HostAnswer, hostAnswerTimeout } from "./ControlPlane.ts";

/** The main thread asks other hosts for up to hostAnswerTimeout: wait a little longer before giving up on it. */
const mainThreadTimeout = hostAnswerTimeout + 1500;

export class ThreadControl implements ControlPlane {
  readonly #waiting = new Map<number, { resolve: (hosts: HostAnswer[]) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  constructor(private readonly post: (message: ThreadToSupervisor) => void, private readonly handlers: ControlHandlers) {}

  ask<T = unknown>(op: string, args?: unknown, options: AskOptions = {}): Promise<HostAnswer<T>[]> {
    const id = this.#nextId++;
    return new Promise<HostAnswer<T>[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`The main thread did not answer within ${mainThreadTimeout} ms`));
      }, mainThreadTimeout);
      this.#waiting.set(id, {
        resolve: (hosts) => { clearTimeout(timer); resolve(hosts as HostAnswer<T>[]); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      this.post({ type: "ask", id, query: { op, args, roles: options.roles }, scope: options.scope });
    });
  }

  /** Handle a control-path message from the supervisor; false when it is not one. */
  receive(message: SupervisorToThread): boolean {
    if (message.type === "control") {
      void this.handlers.answer(message.op, message.args).then((answer) => this.post({ type: "controlAnswer", id: message.id, ...answer }));
      return true;
    }
    if (message.type === "asked") {
      const waiting = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve((message.hosts ?? []) as HostAnswer[]);
      return true;
    }
    return false;
  }
}
