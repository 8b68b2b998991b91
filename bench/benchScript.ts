/** The worker script the benchmarks run: an echo procedure and the worker's id. */
import type { WorkerApi } from "../src/index.ts";

export default (scx: WorkerApi) => {
  scx.procedure("echo", (data) => data);
  scx.procedure("whoami", () => scx.workerId);
};
