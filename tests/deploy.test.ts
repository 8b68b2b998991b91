/**
 * The Dockerfile, the Kubernetes manifests and the Helm chart cannot be run here (no
 * Docker engine, no cluster, no helm): these tests check that every path, port, command,
 * probe and image they name exists and agrees with scx's config, routes and version; that
 * the pods run restricted; and they run the pieces that can run here: `scx healthcheck`
 * against real servers (HTTP and TLS) and the cgroup CPU count on sample files.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse, parseAllDocuments, stringify } from "yaml";
import { configSchema } from "../src/config/schema.ts";
import { parseConfig } from "../src/config/parseConfig.ts";
import { currentRuntime } from "../src/runtime/current.ts";
import { healthcheckCommand, healthcheckUrl } from "../src/server/healthcheckCommand.ts";
import { availableCpus, cgroupCpuFiles, cpuQuota } from "../src/runtime/availableCpus.ts";
import { startScx } from "./helpers/startScx.ts";

const root = new URL("..", import.meta.url).pathname;
const kube = `${root}deploy/kubernetes/`;
const version: string = JSON.parse(readFileSync(`${root}package.json`, "utf8")).version;
const defaults = configSchema.parse({});
const dockerfile = readFileSync(`${root}Dockerfile`, "utf8");
const kustomization = parse(readFileSync(`${kube}kustomization.yaml`, "utf8"));
const manifests = (kustomization.resources as string[])
  .flatMap((file) => parseAllDocuments(readFileSync(`${kube}${file}`, "utf8")).map((doc) => doc.toJS()));
const byKind = (kind: string, name?: string) => manifests.find((m) => m.kind === kind && (!name || m.metadata.name === name));
const dir = mkdtempSync(`${tmpdir()}/scx-deploy-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pod and container securityContext of the restricted Pod Security Standard. */
function expectRestricted(pod: any, container: any, where: string) {
  expect(pod.securityContext?.runAsNonRoot, `${where}: runAsNonRoot`).toBe(true);
  expect(pod.securityContext?.seccompProfile?.type, `${where}: seccompProfile`).toBe("RuntimeDefault");
  expect(container.securityContext?.allowPrivilegeEscalation, `${where}: allowPrivilegeEscalation`).toBe(false);
  expect(container.securityContext?.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(true);
  expect(container.securityContext?.capabilities?.drop, `${where}: capabilities`).toEqual(["ALL"]);
}

describe("Dockerfile", () => {
  test("Dockerfile is multi-stage and ends on a small base as a non-root user", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM debian:bookworm-slim$/m);
    expect(dockerfile).toMatch(/^USER 10001$/m);
  });

  test("Dockerfile copies only files that exist and compiles the same entries as npm run build", () => {
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of match[1]!.split(/\s+/)) expect(existsSync(`${root}${path}`), `Dockerfile copies ${path}`).toBe(true);
    }
    const build = readFileSync(`${root}scripts/build.ts`, "utf8");
    for (const entry of ["cli.ts", "worker.ts", "broker.ts"]) {
      expect(dockerfile).toContain(entry);
      expect(build).toContain(`"${entry}"`);
    }
  });

  test("Dockerfile's HEALTHCHECK runs scx healthcheck on the config CMD serves", () => {
    const served = dockerfile.match(/^CMD \["serve", "([^"]+)"\]$/m)?.[1];
    expect(served).toBe("/app/scx.yaml");
    expect(dockerfile).toMatch(new RegExp(`^HEALTHCHECK .*CMD \\["/usr/local/bin/scx", "healthcheck", "${served}"\\]$`, "m"));
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${defaults.port}$`, "m"));
    const help = Bun.spawnSync([process.execPath, `${root}cli.ts`, "--help"]).stdout.toString();
    expect(help).toContain("scx serve");
    expect(help).toContain("scx healthcheck");
  });

  test(".dockerignore keeps node_modules, dist, .git and test-artifacts out, and nothing the Dockerfile copies", () => {
    const ignored = readFileSync(`${root}.dockerignore`, "utf8").split("\n").map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    for (const path of ["node_modules", "dist", ".git", "test-artifacts", "tests", "bench"]) expect(ignored).toContain(path);
    const matches = (pattern: string, path: string) =>
      new RegExp(`^${pattern.replace(/^\*\*\//, "(.*/)?").replaceAll(".", "\\.").replaceAll("*", "[^/]*")}(/.*)?$`).test(path);
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of match[1]!.split(/\s+/)) {
        expect(ignored.filter((pattern) => !pattern.startsWith("!") && matches(pattern, path)), `${path} is ignored`).toEqual([]);
      }
    }
  });
});

describe("deploy/kubernetes", () => {
  const deployment = byKind("Deployment", "scx");
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const generator = kustomization.configMapGenerator.find((g: any) => g.name === pod.volumes.find((v: any) => v.configMap).configMap.name);
  const appFiles = (generator?.files ?? []) as string[];
  const configText = readFileSync(`${kube}${appFiles.find((file) => file.endsWith("scx.yaml"))}`, "utf8");
  const config = parseConfig(configText, "deploy/kubernetes/app/scx.yaml", {});

  test("kustomization.yaml lists files that exist and picks the image by its images field, tagged with the package version", () => {
    for (const file of [...kustomization.resources, ...appFiles]) expect(existsSync(`${kube}${file}`), file).toBe(true);
    expect(kustomization.images).toEqual([{ name: container.image, newName: expect.any(String), newTag: version }]);
    expect(container.image).toBe("scx");
    for (const manifest of manifests) {
      for (const c of manifest.spec?.template?.spec?.containers ?? []) expect(c.image, `${manifest.metadata.name}`).not.toMatch(/:latest$/);
    }
  });

  test("the configMapGenerator ships scx.yaml and the worker script it names, mounted where the args read them", async () => {
    expect(container.args).toEqual(["serve", "/app/scx.yaml"]);
    const mount = container.volumeMounts.find((m: any) => m.name === pod.volumes.find((v: any) => v.configMap).name);
    expect(mount).toMatchObject({ mountPath: "/app", readOnly: true });
    expect(config.worker).toBe("worker.ts");
    expect(appFiles.map((file) => file.slice(file.lastIndexOf("/") + 1)).sort()).toEqual(["scx.yaml", "worker.ts"]);
    const script = await import(`${kube}app/worker.ts`);
    const registered: string[] = [];
    const api = new Proxy({}, { get: (_t, key) => (...args: unknown[]) => (registered.push(`${String(key)}:${args[0]}`), new Error()) });
    script.default(api);
    expect(registered).toContain("procedure:echo");
  });

  test("the scx config clusters through the Redis Service and the Deployment uses its port", () => {
    expect(config.cluster.engine).toBe("redis");
    const redisService = byKind("Service", "scx-redis");
    expect(config.cluster.urls).toEqual([`redis://${redisService.metadata.name}:${redisService.spec.ports[0].port}`]);
    expect(config.workers).toBeNull();   // one per CPU the pod may use: see availableCpus()
    expect(container.ports[0].containerPort).toBe(config.port);
    expect(byKind("Service", "scx").spec.ports[0].targetPort).toBe(config.port);
  });

  test("every pod runs restricted: non-root, read-only root filesystem, no capabilities, seccomp RuntimeDefault", () => {
    for (const manifest of manifests.filter((m) => m.kind === "Deployment")) {
      for (const c of manifest.spec.template.spec.containers) expectRestricted(manifest.spec.template.spec, c, manifest.metadata.name);
    }
    expect(pod.securityContext.runAsUser).toBe(10001);   // the Dockerfile's USER
    expect(container.volumeMounts.find((m: any) => m.mountPath === "/tmp")).toBeDefined();
    expect(container.env).toContainEqual({ name: "BUN_RUNTIME_TRANSPILER_CACHE_PATH", value: "0" });
  });

  test("the PodDisruptionBudget and the rollout keep scx pods up for the drained clients", () => {
    const pdb = byKind("PodDisruptionBudget");
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBeLessThan(deployment.spec.replicas);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(byKind("HorizontalPodAutoscaler").spec.minReplicas).toBeGreaterThan(pdb.spec.maxUnavailable);
  });

  test("probes name routes scx serves; the drain fits in the grace period", async () => {
    const scx = await startScx();
    try {
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        const response = await fetch(`http://127.0.0.1:${scx.port}${probe.httpGet.path}`);
        expect(response.status).toBe(200);
      }
    } finally {
      await scx.stop();
    }
    const grace = pod.terminationGracePeriodSeconds * 1000;
    expect(container.lifecycle.preStop.sleep.seconds * 1000 + config.drainTimeout).toBeLessThan(grace);
  });

  test("the HorizontalPodAutoscaler scales the scx Deployment and has resources to measure", () => {
    const hpa = byKind("HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(container.resources.requests.cpu).toBeDefined();
  });
});

describe("deploy/helm/scx", () => {
  const chart = `${root}deploy/helm/scx/`;
  const values = parse(readFileSync(`${chart}values.yaml`, "utf8"));
  const templates = ["deployment.yaml", "service.yaml", "configmap.yaml", "pdb.yaml"]
    .map((file) => readFileSync(`${chart}templates/${file}`, "utf8"));

  test("Chart.yaml's appVersion is the package version and values.config is a valid scx config", () => {
    expect(parse(readFileSync(`${chart}Chart.yaml`, "utf8")).appVersion).toBe(version);
    expect(parseConfig(stringify(values.config), "values.yaml config", {}).port).toBe(values.config.port);
  });

  test("every .Values path the templates read exists in values.yaml", () => {
    const paths = new Set(templates.flatMap((text) => [...text.matchAll(/\.Values((?:\.\w+)+)/g)].map((m) => m[1]!.slice(1))));
    expect(paths.size).toBeGreaterThan(5);
    for (const path of paths) {
      expect(path.split(".").reduce((at: any, key) => at?.[key], values), `.Values.${path}`).not.toBeUndefined();
    }
  });

  test("the chart's Deployment runs restricted and ships the worker script beside scx.yaml", () => {
    const deployment = templates[0]!;
    for (const line of ["runAsNonRoot: true", "seccompProfile: { type: RuntimeDefault }", "allowPrivilegeEscalation: false",
      "readOnlyRootFilesystem: true", 'capabilities: { drop: ["ALL"] }', 'args: ["serve", "/app/scx.yaml"]']) {
      expect(deployment).toContain(line);
    }
    expect(deployment).not.toMatch(/image: .*:latest/);
    expect(templates[2]).toContain("worker.ts: |");
    expect(templates[2]).toContain('(dict "worker" "worker.ts")');
  });
});

describe("healthcheckCommand()", () => {
  const runtime = currentRuntime();
  const configFile = (text: string) => {
    const file = `${dir}/health-${Math.random().toString(36).slice(2)}.yaml`;
    writeFileSync(file, text);
    return file;
  };

  test("healthcheckUrl() asks loopback for any-address hosts, brackets IPv6, and uses https with tls", () => {
    expect(healthcheckUrl({ host: "0.0.0.0", port: 8000, tls: null })).toBe("http://127.0.0.1:8000/health-check");
    expect(healthcheckUrl({ host: "::", port: 9000, tls: null })).toBe("http://127.0.0.1:9000/health-check");
    expect(healthcheckUrl({ host: "::1", port: 9000, tls: null })).toBe("http://[::1]:9000/health-check");
    expect(healthcheckUrl({ host: "10.0.0.5", port: 443, tls: { certFile: "c", keyFile: "k" } })).toBe("https://10.0.0.5:443/health-check");
  });

  test("healthcheckCommand() reads the port from the config file: 0 when it answers, 1 when nothing listens", async () => {
    const scx = await startScx();
    try {
      expect(await healthcheckCommand(runtime, [configFile(`port: ${scx.port}\n`)])).toBe(0);
      expect(await healthcheckCommand(runtime, [`http://127.0.0.1:${scx.port}/health-check`])).toBe(0);
    } finally {
      await scx.stop();
    }
    expect(await healthcheckCommand(runtime, [configFile(`port: ${scx.port}\n`)])).toBe(1);
  });

  test("healthcheckCommand() speaks TLS when the config has tls", async () => {
    const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
      "-subj", "/CN=scx.example", "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`]);
    expect(made.exitCode, `openssl failed: ${made.stderr}`).toBe(0);
    const tls = { certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` };
    const scx = await startScx({ tls });
    try {
      expect(await healthcheckCommand(runtime, [configFile(`port: ${scx.port}\ntls: { certFile: cert.pem, keyFile: key.pem }\n`)])).toBe(0);
      expect(await healthcheckCommand(runtime, [configFile(`port: ${scx.port}\n`)])).toBe(1);   // plain HTTP to a TLS port
    } finally {
      await scx.stop();
    }
  });
});

describe("availableCpus()", () => {
  test("cpuQuota() reads cgroup v2 cpu.max and v1 cfs quota/period, rounding down to at least 1", () => {
    expect(cpuQuota({ cpuMax: "max 100000\n" })).toBeNull();
    expect(cpuQuota({ cpuMax: "200000 100000\n" })).toBe(2);
    expect(cpuQuota({ cpuMax: "150000 100000" })).toBe(1);
    expect(cpuQuota({ cpuMax: "50000 100000" })).toBe(1);
    expect(cpuQuota({ cpuMax: "400000 50000" })).toBe(8);
    expect(cpuQuota({ cpuMax: "garbage" })).toBeNull();
    expect(cpuQuota({ cfsQuota: "-1\n", cfsPeriod: "100000\n" })).toBeNull();
    expect(cpuQuota({ cfsQuota: "300000\n", cfsPeriod: "100000\n" })).toBe(3);
    expect(cpuQuota({})).toBeNull();
  });

  test("availableCpus() takes the smallest quota on the process's cgroup path, capped by availableParallelism", () => {
    const files = (entries: Record<string, string>) => (path: string) => entries[path];
    // A pod limited to 2 CPUs on a 64-core node (cgroup v2, namespaced: "0::/").
    expect(availableCpus(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "200000 100000\n" }), 64)).toBe(2);
    // No quota anywhere: the CPUs the process may run on.
    expect(availableCpus(files({ "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cpu.max": "max 100000\n" }), 6)).toBe(6);
    expect(availableCpus(files({}), 4)).toBe(4);
    // Not namespaced: the quota sits on a parent of the process's own cgroup.
    const nested = files({
      "/proc/self/cgroup": "0::/kubepods/pod1/ctr\n",
      "/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": "max 100000",
      "/sys/fs/cgroup/kubepods/pod1/cpu.max": "300000 100000",
      "/sys/fs/cgroup/kubepods/cpu.max": "max 100000",
    });
    expect(cgroupCpuFiles(nested).length).toBe(3);
    expect(availableCpus(nested, 64)).toBe(3);
    // cgroup v1.
    expect(availableCpus(files({ "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "100000", "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000" }), 8)).toBe(1);
    // A quota above the CPUs the process may run on does not raise it.
    expect(availableCpus(files({ "/sys/fs/cgroup/cpu.max": "1600000 100000" }), 2)).toBe(2);
  });

  test("availableCpus() on this machine is at least 1 and at most availableParallelism", async () => {
    const { availableParallelism } = await import("node:os");
    const cpus = availableCpus();
    expect(cpus).toBeGreaterThanOrEqual(1);
    expect(cpus).toBeLessThanOrEqual(availableParallelism());
    expect(currentRuntime().cpuCount()).toBe(cpus);
  });
});
