/**
 * The Dockerfile and the Kubernetes manifests cannot be run here (no Docker engine, no
 * cluster): these tests check that every path, port, command and probe they name exists
 * and agrees with scx's config defaults and routes.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { configSchema } from "../src/config/schema.ts";
import { parseConfig } from "../src/config/parseConfig.ts";
import { startScx } from "./helpers/startScx.ts";

const root = new URL("..", import.meta.url).pathname;
const defaults = configSchema.parse({});
const dockerfile = readFileSync(`${root}Dockerfile`, "utf8");
const manifests = ["configmap.yaml", "deployment.yaml", "service.yaml", "redis.yaml", "hpa.yaml"]
  .flatMap((file) => parseAllDocuments(readFileSync(`${root}deploy/kubernetes/${file}`, "utf8")).map((doc) => doc.toJS()));
const byKind = (kind: string, name?: string) => manifests.find((m) => m.kind === kind && (!name || m.metadata.name === name));

describe("Dockerfile", () => {
  test("is multi-stage, ends on a small base as a non-root user, with a HEALTHCHECK", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM debian:bookworm-slim$/m);
    expect(dockerfile).toMatch(/^USER 10001$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\["\/usr\/local\/bin\/scx", "healthcheck"\]$/m);
  });

  test("copies only files that exist and compiles the same entries as npm run build", () => {
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of match[1].split(/\s+/)) expect(existsSync(`${root}${path}`), `Dockerfile copies ${path}`).toBe(true);
    }
    const build = readFileSync(`${root}scripts/build.ts`, "utf8");
    for (const entry of ["cli.ts", "worker.ts", "broker.ts"]) {
      expect(dockerfile).toContain(entry);
      expect(build).toContain(`"${entry}"`);
    }
  });

  test("exposes the default port and serves /app/scx.yaml with commands the CLI has", () => {
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${defaults.port}$`, "m"));
    expect(dockerfile).toMatch(/^CMD \["serve", "\/app\/scx.yaml"\]$/m);
    const help = Bun.spawnSync([process.execPath, `${root}cli.ts`, "--help"]).stdout.toString();
    expect(help).toContain("scx serve");
    expect(help).toContain("scx healthcheck");
  });
});

describe("deploy/kubernetes", () => {
  const deployment = byKind("Deployment", "scx");
  const container = deployment.spec.template.spec.containers[0];
  const config = parseConfig(byKind("ConfigMap", "scx-config").data["scx.yaml"], "configmap scx.yaml", {});

  test("the ConfigMap's scx.yaml is a valid config, clustered through the Redis Service", () => {
    expect(config.cluster.engine).toBe("redis");
    const redisService = byKind("Service", "scx-redis");
    expect(config.cluster.urls).toEqual([`redis://${redisService.metadata.name}:${redisService.spec.ports[0].port}`]);
  });

  test("the Deployment mounts the ConfigMap where its args say and uses the config's port", () => {
    expect(container.args).toEqual(["serve", "/app/scx.yaml"]);
    expect(container.volumeMounts[0].mountPath).toBe("/app/scx.yaml");
    expect(deployment.spec.template.spec.volumes[0].configMap.name).toBe("scx-config");
    expect(container.ports[0].containerPort).toBe(config.port);
    expect(byKind("Service", "scx").spec.ports[0].targetPort).toBe(config.port);
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
    const grace = deployment.spec.template.spec.terminationGracePeriodSeconds * 1000;
    expect(container.lifecycle.preStop.sleep.seconds * 1000 + config.drainTimeout).toBeLessThan(grace);
  });

  test("the HorizontalPodAutoscaler scales the scx Deployment and has resources to measure", () => {
    const hpa = byKind("HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(container.resources.requests.cpu).toBeDefined();
  });
});
