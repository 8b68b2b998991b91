/**
 * One worker thread started before the config is read (`scx serve`). In the binary a
 * thread spends 3.5–4 ms (an empty one 1.5–2.5) before it can take a `start` message,
 * about as long as the main thread spends reading and checking the config; started first,
 * the two overlap and the first worker listens that much sooner. The Supervisor takes it for its
 * first worker; a config without worker threads (`workers: 0`) ends it unused.
 *
 * Until it is taken, an error in the thread is recorded (and prevented: Deno would end the
 * process), and the Supervisor then starts a fresh thread instead, so the error is reported
 * by the usual path.
 *
 * @example
 * startSpareThread(runtime.threadEntry("worker")); // first thing in `scx serve`
 * const thread = takeSpareThread(url) ?? new Worker(url, { type: "module" });
 */
interface Spare { url: string; thread: Worker; failed: boolean; onError(event: Event): void }

let spare: Spare | null = null;

/** Start the spare (once); returns its thread (tests watch it). */
export function startSpareThread(url: string): Worker {
  if (spare) return spare.thread;
  const entry: Spare = {
    url, thread: new Worker(url, { type: "module" }), failed: false,
    onError: (event) => {
      event.preventDefault();
      entry.failed = true;
    },
  };
  entry.thread.addEventListener("error", entry.onError);
  spare = entry;
  return entry.thread;
}

/** The spare thread when it runs `url` and has not failed; null otherwise (a failed one is ended). */
export function takeSpareThread(url: string): Worker | null {
  const taken = spare;
  if (!taken || taken.url !== url) return null;
  spare = null;
  taken.thread.removeEventListener("error", taken.onError);
  if (!taken.failed) return taken.thread;
  taken.thread.terminate();
  return null;
}

/** End the spare thread if nobody took it (the config runs no worker threads). */
export function endSpareThread(): void {
  spare?.thread.terminate();
  spare = null;
}
