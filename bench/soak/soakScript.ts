/** The soak server's worker script: the procedures and receiver the fuzz frames call (as tests/fuzz.test.ts sets them up). */
import type { WorkerApi } from "../../src/index.ts";
import { namedError } from "../../src/protocol/errorNames.ts";

export default (scx: WorkerApi) => {
  scx.procedure("echo", (data) => data);
  scx.procedure("slowEcho", (data) => data);
  scx.procedure("boom", () => { throw namedError("BoomError", "Boom"); });
  scx.receiver("note", () => {});
  // An async middleware on one procedure makes the socket queue the frames behind it.
  scx.middleware("inbound", (action) => {
    if (action.type === "invoke" && action.procedure === "slowEcho") return new Promise<void>((resolve) => setTimeout(resolve, 0));
  });
};
