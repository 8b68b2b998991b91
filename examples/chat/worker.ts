/**
 * The chat example's worker script: a `join` procedure that signs the user in, a
 * middleware that stamps every chat message with its sender, and history of the last
 * messages for newcomers.
 */
import type { WorkerApi } from "../../src/index.ts";

interface ChatMessage { from: string; text: string; at: string }

export default (scx: WorkerApi) => {
  const history: ChatMessage[] = [];

  scx.procedure("join", async (data: { name?: unknown }, socket) => {
    const name = typeof data?.name === "string" ? data.name.trim().slice(0, 32) : "";
    if (!name) throw scx.error("InvalidNameError", "Pick a name of 1 to 32 characters");
    await socket.setAuthToken({ sub: name }, { expiresIn: "12h" });
    return { name, history };
  });

  // Only signed-in users may speak; the server, not the client, decides who "from" is.
  scx.middleware("inbound", (action) => {
    if (action.type !== "publishIn" || action.channel !== "chat") return;
    const name = action.socket.authToken?.sub;
    if (typeof name !== "string") throw scx.error("AuthError", "Join the chat before writing");
    const text = String((action.data as { text?: unknown })?.text ?? "").slice(0, 500);
    const message: ChatMessage = { from: name, text, at: new Date().toISOString() };
    action.data = message;
    history.push(message);
    if (history.length > 50) history.shift();
  });

  scx.on("connection", (socket) => scx.log.info("Chat client connected", { socket: socket.id }));
};
