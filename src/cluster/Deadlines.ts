/**
 * Bounded waits on one Redis connection. node-redis drops a command's own timeout once
 * the command is written, so a Redis process that is stopped (SIGSTOP) with its socket
 * open would leave every reply pending forever. Commands on one connection are answered
 * in order, so one FIFO of deadlines and one timer (running only while something waits)
 * reject each late command with the error given, and report when the connection turns
 * late (a deadline passed) or answers again. The queue is bounded (`maxWaiting`): it, not
 * the client library, decides what fails while Redis is slow, and memory stays flat.
 *
 * @example
 * const deadlines = new Deadlines(2000, () => namedError(ErrorName.Broker, "Redis is unreachable"), (late) => log(late));
 * const reply = await deadlines.guard(client.sendCommand(["PING"]));
 */
interface Waiting {
  deadline: number;
  settled: boolean;
  reject: (error: Error) => void;
}

/** Most commands waiting at once on one connection by default; beyond, new ones fail at once. */
export const defaultMaxWaiting = 10_000;

export class Deadlines {
  #queue: Waiting[] = [];
  #head = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #late = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly error: () => Error,
    private readonly onLateChange: (late: boolean) => void = () => {},
    /** The bound of the queue: past it, `guard` rejects at once (the caller counts a drop). */
    private readonly maxWaiting = defaultMaxWaiting,
  ) {}

  /** Commands waiting for their reply now. */
  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  /** True from a missed deadline until the connection answers again. */
  get late(): boolean {
    return this.#late;
  }

  guard<T>(command: Promise<T>): Promise<T> {
    if (this.#queue.length - this.#head >= this.maxWaiting) {
      command.catch(() => {});
      return Promise.reject(this.error());
    }
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = { deadline: Date.now() + this.timeoutMs, settled: false, reject };
      this.#queue.push(waiting);
      this.#timer ??= setInterval(() => this.#check(), Math.max(20, this.timeoutMs / 4));
      command.then((value) => {
        this.#answered();
        if (waiting.settled) return;
        waiting.settled = true;
        this.#trim();
        resolve(value);
      }, (error) => {
        this.#answered();
        if (waiting.settled) return;
        waiting.settled = true;
        this.#trim();
        reject(error);
      });
    });
  }

  /** Reject everything still waiting and stop the timer (the connection is closing). */
  clear(): void {
    for (let i = this.#head; i < this.#queue.length; i++) this.#expire(this.#queue[i]!);
    this.#queue = [];
    this.#head = 0;
    this.#stop();
  }

  /** Answered commands leave the queue at once, so its bound counts only what still waits. */
  #trim(): void {
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length && queue[head]!.settled) head++;
    if (head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#head = 0;
    } else {
      this.#head = head;
    }
  }

  #answered(): void {
    if (!this.#late) return;
    this.#late = false;
    this.onLateChange(false);
  }

  #expire(waiting: Waiting): void {
    if (waiting.settled) return;
    waiting.settled = true;
    waiting.reject(this.error());
  }

  #check(): void {
    const now = Date.now();
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length) {
      const waiting = queue[head]!;
      if (!waiting.settled) {
        if (waiting.deadline > now) break;
        this.#expire(waiting);
        if (!this.#late) {
          this.#late = true;
          this.onLateChange(true);
        }
      }
      head++;
    }
    if (head === queue.length) {
      this.#queue = [];
      this.#head = 0;
      this.#stop();
    } else if (head > 1024 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#head = 0;
    } else {
      this.#head = head;
    }
  }

  #stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
