/**
 * How many CPUs this process may use: the cgroup CPU quota (cgroup v2 `cpu.max`, or v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us`) when there is one, else
 * `os.availableParallelism()`. In a Kubernetes pod with `limits.cpu: "2"` on a 64-core node
 * this is 2, not 64. A fractional quota rounds down (at least 1), so threads do not
 * outnumber the CPU time they get and get throttled.
 *
 * @example
 * availableCpus();                                        // 2 in a pod limited to 2 CPUs
 * cpuQuota({ cpuMax: "150000 100000" });                  // 1
 * cpuQuota({ cpuMax: "max 100000" });                     // null: no quota
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** The contents of the cgroup files that may hold a CPU quota (any may be missing). */
export interface CgroupCpuFiles { cpuMax?: string; cfsQuota?: string; cfsPeriod?: string }

/** Whole CPUs the quota allows (at least 1), or null when there is no quota. */
export function cpuQuota(files: CgroupCpuFiles): number | null {
  let quota: number;
  let period: number;
  if (files.cpuMax !== undefined) {
    const [max, periodText] = files.cpuMax.trim().split(/\s+/);
    if (max === "max" || max === undefined) return null;
    [quota, period] = [Number(max), Number(periodText ?? 100000)];
  } else if (files.cfsQuota !== undefined) {
    [quota, period] = [Number(files.cfsQuota.trim()), Number(files.cfsPeriod?.trim() ?? 100000)];
  } else {
    return null;
  }
  if (!(quota > 0) || !(period > 0)) return null;   // v1 says -1 for none; garbage means none
  return Math.max(1, Math.floor(quota / period));
}

/** Where the quota may be: this process's own cgroup (v2, from /proc/self/cgroup) and its parents, then v1's mounts. */
export function cgroupCpuFiles(read: (path: string) => string | undefined): CgroupCpuFiles[] {
  const own = read("/proc/self/cgroup")?.split("\n").find((line) => line.startsWith("0::"))?.slice(3).trim() ?? "/";
  const found: CgroupCpuFiles[] = [];
  for (let dir = own; ; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    const cpuMax = read(`/sys/fs/cgroup${dir === "/" ? "" : dir}/cpu.max`);
    if (cpuMax !== undefined) found.push({ cpuMax });
    if (dir === "/") break;
  }
  for (const mount of ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"]) {
    const cfsQuota = read(`${mount}/cpu.cfs_quota_us`);
    if (cfsQuota !== undefined) found.push({ cfsQuota, cfsPeriod: read(`${mount}/cpu.cfs_period_us`) });
  }
  return found;
}

/** The CPUs this process may use: the smallest cgroup quota found, capped by the CPUs it may run on. */
export function availableCpus(
  read: (path: string) => string | undefined = readIfThere,
  parallelism: number = availableParallelism(),
): number {
  const quotas = cgroupCpuFiles(read).map(cpuQuota).filter((quota): quota is number => quota !== null);
  return Math.max(1, Math.min(parallelism, ...quotas));
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
