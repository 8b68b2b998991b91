/**
 * `npm test` runs this first: the suite needs redis-server, chromium and openssl. Missing
 * ones are installed with apt-get when it can (root and apt-get present; `apt-get update`
 * first); otherwise it fails at once and prints the exact command to run. Set
 * SCX_TEST_DEPS=check to never install, only report.
 *
 * @example
 * bun scripts/testDeps.ts   # exit 0 when all three are there (or were just installed)
 */

/** A tool the suite runs, and the Debian package that provides it. */
export interface Tool { command: string; aptPackage: string; brewPackage: string }

export const tools: Tool[] = [
  { command: "redis-server", aptPackage: "redis-server", brewPackage: "redis" },
  { command: "chromium", aptPackage: "chromium", brewPackage: "--cask chromium" },
  { command: "openssl", aptPackage: "openssl", brewPackage: "openssl" },
];

export type Plan = { kind: "ready" } | { kind: "install"; packages: string[] } | { kind: "fail"; message: string };

/**
 * What to do about the missing tools, decided from facts about this machine.
 *
 * @example
 * testDepsPlan(["openssl"], { root: true, apt: true, allowInstall: true }); // { kind: "install", packages: ["openssl"] }
 */
export function testDepsPlan(missing: string[], machine: { root: boolean; apt: boolean; brew?: boolean; allowInstall: boolean }): Plan {
  if (missing.length === 0) return { kind: "ready" };
  const wanted = tools.filter((tool) => missing.includes(tool.command));
  const apt = wanted.map((tool) => tool.aptPackage).join(" ");
  if (machine.apt && machine.root && machine.allowInstall) return { kind: "install", packages: wanted.map((tool) => tool.aptPackage) };
  const command = machine.apt
    ? `${machine.root ? "" : "sudo "}apt-get update && ${machine.root ? "" : "sudo "}apt-get install -y ${apt}`
    : machine.brew
      ? wanted.map((tool) => `brew install ${tool.brewPackage}`).join(" && ")
      : `install ${missing.join(", ")} with your package manager (Debian: apt-get install -y ${apt})`;
  return { kind: "fail", message: `npm test needs ${missing.join(", ")}, not found on PATH. Run:\n  ${command}\nthen npm test again.` };
}

/** The tools not on PATH (chromium also counts when CHROMIUM_PATH names an existing file). */
export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of tools) {
    if (tool.command === "chromium" && process.env.CHROMIUM_PATH && (await Bun.file(process.env.CHROMIUM_PATH).exists())) continue;
    if (!Bun.which(tool.command)) missing.push(tool.command);
  }
  return missing;
}

function run(command: string[]): boolean {
  console.error(`$ ${command.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  return Bun.spawnSync(command, { env, stdout: "inherit", stderr: "inherit" }).exitCode === 0;
}

if (import.meta.main) {
  const missing = await missingTools();
  const plan = testDepsPlan(missing, {
    root: process.getuid?.() === 0,
    apt: Bun.which("apt-get") !== null,
    brew: Bun.which("brew") !== null,
    allowInstall: process.env.SCX_TEST_DEPS !== "check",
  });
  if (plan.kind === "install") {
    console.error(`npm test needs ${missing.join(", ")}: installing ${plan.packages.join(" ")} with apt-get`);
    const ok = run(["apt-get", "update", "-qq"]) &&
      run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...plan.packages]);
    const still = await missingTools();
    if (!ok || still.length > 0) {
      console.error(`apt-get could not install ${still.join(", ") || plan.packages.join(" ")}. Run:\n  apt-get update && apt-get install -y ${plan.packages.join(" ")}`);
      process.exit(1);
    }
  } else if (plan.kind === "fail") {
    console.error(plan.message);
    process.exit(1);
  }
}
