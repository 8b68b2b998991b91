/**
 * `npm run build` → dist/scx, one standalone binary (CLI, worker and broker threads, the
 * browser client as an embedded asset). `npm run build:all` → every platform, with
 * SHA-256 checksums. The version, the commit and the config schema table are baked in
 * (the table lets `scx serve` start without loading zod: src/config/schemaTable.ts).
 */
import { $ } from "bun";
import { buildSchemaTable } from "../src/config/buildSchemaTable.ts";

const all = process.argv.includes("--all");
const root = new URL("..", import.meta.url).pathname;
const commit = process.env.SCX_COMMIT ??
  ((await $`git -C ${root} rev-parse --short HEAD`.nothrow().quiet().text()).trim() || "unknown");
const targets = all
  ? ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64", "bun-windows-x64"]
  : [null];

await $`mkdir -p ${root}dist`;
const client = await Bun.build({ entrypoints: [`${root}src/client/index.ts`], target: "browser", format: "esm", minify: true });
if (!client.success) throw new AggregateError(client.logs, "Bundling the browser client failed");
// The asset keeps its path relative to the entry's folder, so it lands beside the bundled code.
await Bun.write(`${root}scx-client.js`, await client.outputs[0]!.text());
const admin = await Bun.build({ entrypoints: [`${root}src/admin/page/main.ts`], target: "browser", format: "esm", minify: true });
if (!admin.success) throw new AggregateError(admin.logs, "Bundling the admin page failed");
await Bun.write(`${root}scx-admin.js`, await admin.outputs[0]!.text());

const schemaTable = JSON.stringify(buildSchemaTable());
const sums: string[] = [];
try {
  for (const target of targets) {
    const outfile = target ? `${root}dist/scx-${target.replace("bun-", "")}` : `${root}dist/scx`;
    const args = ["build", "--compile", "--minify", "--bytecode", "--splitting", "--format=esm", `--define`, `globalThis.SCX_COMMIT=${JSON.stringify(commit)}`,
      "--define", `globalThis.SCX_SCHEMA_TABLE=${schemaTable}`,
      "--asset", "scx-client.js", "--asset", "scx-admin.js", ...(target ? [`--target=${target}`] : []),
      "cli.ts", "worker.ts", "broker.ts", "--outfile", outfile];
    const proc = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
    if (proc.exitCode !== 0) throw new Error(`bun ${args.join(" ")} failed`);
    const file = target === "bun-windows-x64" ? `${outfile}.exe` : outfile;
    const hash = new Bun.CryptoHasher("sha256").update(await Bun.file(file).arrayBuffer()).digest("hex");
    sums.push(`${hash}  ${file.slice(file.lastIndexOf("/") + 1)}`);
    console.log(`built ${file} (${(Bun.file(file).size / 1e6).toFixed(1)} MB)`);
  }
} finally {
  await $`rm -f ${root}scx-client.js ${root}scx-admin.js`;
}
if (all) await Bun.write(`${root}dist/SHA256SUMS`, sums.join("\n") + "\n");
