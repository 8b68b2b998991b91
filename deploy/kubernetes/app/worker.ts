// The worker script shipped with the config (see kustomization.yaml): replace it with your own.
// It imports nothing from scx at run time; the API arrives as the argument.
import type { WorkerApi } from "scx";

export default (scx: WorkerApi) => {
  scx.procedure("echo", (data) => data);
  scx.middleware("inbound", (action) => {
    if (action.type === "publishIn" && !action.socket.authToken) throw scx.error("AuthError", "Sign in to publish");
  });
};
