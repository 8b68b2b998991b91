/**
 * `scx create <dir>`: write a runnable app into a new (or empty) folder.
 *
 * @example
 * await createCommand(runtime, "my-app", cwd, "0.1.0");
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import type { Runtime } from "../runtime/runtime.ts";
import { resolvePath } from "../config/resolvePaths.ts";
import { appTemplate } from "./appTemplate.ts";

export async function createCommand(runtime: Runtime, dir: string | undefined, cwd: string, version: string): Promise<number> {
  if (!dir) {
    runtime.writeStderr("scx create needs a folder: scx create my-app\n");
    return 2;
  }
  const root = resolvePath(cwd, dir);
  const existing = await readdir(root).catch(() => []);
  if (existing.length > 0) {
    runtime.writeStderr(`Folder "${dir}" is not empty: pick a new one\n`);
    return 2;
  }
  const name = root.slice(root.lastIndexOf("/") + 1);
  for (const [path, text] of Object.entries(appTemplate(name, version))) {
    const file = `${root}/${path}`;
    await mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await writeFile(file, text);
  }
  runtime.writeStdout(`Created ${root}\n\nNext:\n  cd ${dir}\n  scx serve\n`);
  return 0;
}
