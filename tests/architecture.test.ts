/**
 * The layers of ARCHITECTURE.md, enforced: every .ts file under src/ and the root entries
 * (cli.ts, worker.ts, broker.ts, when present) is scanned for imports, which may only go
 * to a lower layer or stay within the importer's own folder. Also: only src/runtime/
 * names Bun or Deno, the browser client stays self-contained, and the import graph has
 * no cycles. Type-only imports count like any other.
 *
 * 5  roots      cli.ts · worker.ts · broker.ts · src/server/ · src/index.ts
 * 4  faces      src/http/
 * 3.5 admin     src/admin/                          (the admin face; src/http mounts it)
 * 3  roles      src/worker/ · src/broker/          (never import each other)
 * 2  services   src/auth/ · src/runtime/ · src/threads/ · src/history/, then src/control/, then src/cluster/ (its engines carry stores)
 * 1  pure       src/protocol/ · src/config/ · src/log/
 *    client     src/client/ → src/client/ and src/protocol/ only (not frames.ts), no packages
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { type Edge, findCycles, scanImports, stripSource } from "./helpers/importGraph.ts";

const repo = resolve(import.meta.dir, "..");

// ---------------------------------------------------------------------------------------
// The layers

interface Unit { folder: string; layer: number }

const layerOfFolder: Record<string, number> = {
  "src/http": 4,
  "src/worker": 3, "src/broker": 3,
  "src/auth": 2, "src/runtime": 2, "src/threads": 2, "src/history": 2, "src/presence": 2,
  // The Redis engine provides the Redis history and presence stores, so cluster sits just above history.
  "src/cluster": 2.5,
  // The control path (API, metrics, admin): above threads (its messages), below the roles.
  "src/control": 2.2,
  // Per-thread counters and the exposition format: counted in the roles, summed on the main thread.
  "src/metrics": 2,
  // The admin face (main-thread hub, admin socket, page): above the roles, below src/http which mounts it.
  "src/admin": 3.5,
  // Webhooks (stores, delivery, events): just below threads, whose worker→broker messages
  // carry its events; the roles run it and the Redis engine (cluster) makes its store.
  "src/webhooks": 1.9,
  "src/protocol": 1, "src/config": 1, "src/log": 1,
  // The browser client sits just above the pure layer (it uses src/protocol); its own test
  // below says it may import nothing else.
  "src/client": 1.5,
};
const rootFiles = ["cli.ts", "worker.ts", "broker.ts"];

/** The folder ("roots" for every root entry) and layer of a repo-relative path; null if none. */
function unitOf(path: string): Unit | null {
  if (rootFiles.includes(path) || path === "src/index.ts" || path.startsWith("src/server/")) return { folder: "roots", layer: 5 };
  const folder = path.split("/").slice(0, 2).join("/");
  return folder in layerOfFolder && path.split("/").length > 2 ? { folder, layer: layerOfFolder[folder] } : null;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}


/** Resolve a specifier to a repo-relative path; null for a package or a node: builtin. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".") && !specifier.startsWith("/")) return null;
  const base = resolve(repo, dirname(from), specifier);
  const candidates = [base, `${base}.ts`, join(base, "index.ts")];
  const found = candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? base;
  return relative(repo, found).split("\\").join("/");
}

const files = [...walk(join(repo, "src")), ...rootFiles.map((name) => join(repo, name)).filter(existsSync)]
  .map((path) => relative(repo, path).split("\\").join("/"))
  .sort();
const sources = new Map(files.map((file) => [file, readFileSync(join(repo, file), "utf8")]));
const edges: Edge[] = files.flatMap((file) =>
  scanImports(sources.get(file)!).map(({ specifier, line, typeOnly }) =>
    ({ from: file, specifier, line, typeOnly, target: resolveSpecifier(file, specifier) })));

const where = (edge: Edge) => `${edge.from}:${edge.line} imports "${edge.specifier}"`;

// ---------------------------------------------------------------------------------------

describe("scanImports()", () => {
  test("scanImports() finds static, type-only, re-export, side-effect and dynamic imports and skips comments and template text", () => {
    const source = [
      "import { a } from \"./a.ts\";",
      "import type { B } from './b.ts';",
      "import C, {",
      "  type D,",
      "  e as f,",
      "} from \"./c.ts\";",
      "import * as g from \"./g.ts\";",
      "export * from \"./h.ts\";",
      "export { i } from \"./i.ts\";",
      "export type { J } from \"./j.ts\";",
      "import \"./side.ts\";",
      "const k = await import(\"./k.ts\");",
      "// import { no } from \"./comment.ts\";",
      "/* import(\"./block.ts\") */",
      "const template = `import { no } from \"./template.ts\"; ${ok(\"x\")} import(\"./t2.ts\")`;",
      "const pattern = /import \"x\"/g, s = \"import('./string.ts')\";",
      "const ratio = a / b; import { l } from \"./l.ts\";",
      "someone.import(\"./method.ts\");",
    ].join("\n");
    expect(scanImports(source)).toEqual([
      { specifier: "./a.ts", line: 1, typeOnly: false },
      { specifier: "./b.ts", line: 2, typeOnly: true },
      { specifier: "./c.ts", line: 6, typeOnly: false },
      { specifier: "./g.ts", line: 7, typeOnly: false },
      { specifier: "./h.ts", line: 8, typeOnly: false },
      { specifier: "./i.ts", line: 9, typeOnly: false },
      { specifier: "./j.ts", line: 10, typeOnly: true },
      { specifier: "./side.ts", line: 11, typeOnly: false },
      { specifier: "./k.ts", line: 12, typeOnly: false },
      { specifier: "./l.ts", line: 17, typeOnly: false },
    ]);
  });

  test("stripSource() blanks comments, strings, template text and regexes in codeOnly", () => {
    const source = "const a = Bun.x; // Bun.y\nconst b = \"Deno.z\" + `Bun.t ${Deno.u}` + /Bun\\./.source;";
    const { codeOnly } = stripSource(source);
    expect(codeOnly.length).toBe(source.length);
    expect([...codeOnly.matchAll(/(?<![\w$])(?:Bun|Deno)\s*\??\./g)].map((match) => match[0])).toEqual(["Bun.", "Deno."]);
  });
});

describe("layers", () => {
  test("every scanned file belongs to a layer", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((file) => unitOf(file) === null)).toEqual([]);
  });

  test("every relative import of code names a file in a layer", () => {
    // Data files (a root reading package.json, say) belong to no layer.
    const isCode = (path: string) => /\.[cm]?[jt]sx?$/.test(path);
    const outside = edges.filter((edge) => edge.target !== null && isCode(edge.target) && unitOf(edge.target) === null).map(where);
    expect(outside).toEqual([]);
  });

  const folders = [...new Set(files.map((file) => unitOf(file)?.folder).filter((folder): folder is string => !!folder))].sort();
  for (const folder of folders) {
    const label = folder === "roots" ? "roots (cli.ts, worker.ts, broker.ts, src/server/, src/index.ts)" : `${folder}/`;
    test(`${label} imports only lower layers or its own folder`, () => {
      const wrong: string[] = [];
      for (const edge of edges) {
        const from = unitOf(edge.from);
        const to = edge.target === null ? null : unitOf(edge.target);
        if (from?.folder !== folder || to === null) continue;
        if (to.folder === from.folder || to.layer < from.layer) continue;
        wrong.push(`${where(edge)}: ${to.folder} is layer ${to.layer}, ${from.folder} is layer ${from.layer}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  for (const [from, to] of [["src/worker", "src/broker"], ["src/broker", "src/worker"]]) {
    test(`${from} never imports ${to}`, () => {
      const wrong = edges.filter((edge) => edge.from.startsWith(`${from}/`) && edge.target?.startsWith(`${to}/`)).map(where);
      expect(wrong).toEqual([]);
    });
  }

  test("src/client imports only src/client and src/protocol (not frames.ts), no packages and no node: modules", () => {
    const wrong = edges.filter((edge) => {
      if (!edge.from.startsWith("src/client/")) return false;
      if (edge.target === null) return true;
      if (edge.target === "src/protocol/frames.ts") return true;
      return !edge.target.startsWith("src/client/") && !edge.target.startsWith("src/protocol/");
    }).map(where);
    expect(wrong).toEqual([]);
  });
});

describe("runtime fence", () => {
  test("only src/runtime/ names Bun. or Deno. in code", () => {
    const wrong: string[] = [];
    for (const file of files) {
      if (file.startsWith("src/runtime/")) continue;
      const { codeOnly } = stripSource(sources.get(file)!);
      for (const match of codeOnly.matchAll(/(?<![\w$])(Bun|Deno)\s*\??\./g)) {
        const line = codeOnly.slice(0, match.index).split("\n").length;
        wrong.push(`${file}:${line} uses ${match[1]}: ${sources.get(file)!.split("\n")[line - 1].trim()}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("import graph", () => {
  test("the import graph has no cycles at run time", () => {
    // Type-only imports vanish at run time, and two classes that name each other's types
    // (a socket and its worker) are a common, harmless shape; value cycles are not.
    const graph = new Map<string, Edge[]>(files.map((file) => [file, []]));
    for (const edge of edges) {
      if (edge.target !== null && !edge.typeOnly && graph.has(edge.target)) graph.get(edge.from)!.push(edge);
    }
    const cycles = findCycles(graph).map((cycle) => cycle.map((edge) => `${where(edge)}`).join(" → "));
    expect(cycles).toEqual([]);
  });
});
