/**
 * Reading a TypeScript import graph without a compiler: strip comments, strings, template
 * text and regexes; find every import (static, type-only, re-export, dynamic); find
 * cycles (Tarjan). Used by tests/architecture.test.ts.
 */

export interface Edge { from: string; specifier: string; line: number; target: string | null; typeOnly: boolean }

// ---------------------------------------------------------------------------------------
// Scanning

/**
 * The source with comments, template-literal text and regular-expression literals blanked
 * out (same length, newlines kept, so offsets still give line numbers). `withStrings`
 * keeps quoted strings (import specifiers live there); `codeOnly` blanks them too.
 */
export function stripSource(source: string): { withStrings: string; codeOnly: string } {
  const withStrings: string[] = [];
  const codeOnly: string[] = [];
  const n = source.length;
  /** One counter of open braces per template `${` we are inside. */
  const templates: number[] = [];
  let i = 0;
  const keep = (ch: string) => { withStrings.push(ch); codeOnly.push(ch); };
  const blank = (ch: string) => { const b = ch === "\n" ? "\n" : " "; withStrings.push(b); codeOnly.push(b); };

  const templateText = () => {
    // After "`" or the "}" closing a "${": text up to the closing "`" or the next "${".
    while (i < n) {
      const c = source[i];
      if (c === "\\") { blank(c); if (i + 1 < n) blank(source[i + 1]); i += 2; continue; }
      if (c === "`") { keep(c); i++; return; }
      if (c === "$" && source[i + 1] === "{") { keep("$"); keep("{"); i += 2; templates.push(0); return; }
      blank(c);
      i++;
    }
  };

  const regexAllowed = (): boolean => {
    let j = withStrings.length - 1;
    while (j >= 0 && /\s/.test(withStrings[j])) j--;
    if (j < 0) return true;
    const prev = withStrings[j];
    if (/[\w$]/.test(prev)) {
      let k = j;
      while (k >= 0 && /[\w$]/.test(withStrings[k])) k--;
      const word = withStrings.slice(k + 1, j + 1).join("");
      return /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(word);
    }
    return !/[)\]"'`.]/.test(prev);
  };

  while (i < n) {
    const c = source[i];
    const d = source[i + 1];
    if (c === "/" && d === "/") {
      while (i < n && source[i] !== "\n") blank(source[i++]);
      continue;
    }
    if (c === "/" && d === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      while (i < stop) blank(source[i++]);
      continue;
    }
    if (c === "'" || c === "\"") {
      keep(c);
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        const step = source[i] === "\\" && i + 1 < n ? 2 : 1;
        for (let k = 0; k < step; k++) {
          withStrings.push(source[i + k]);
          codeOnly.push(source[i + k] === "\n" ? "\n" : " ");
        }
        i += step;
      }
      if (i < n) keep(source[i++]);
      continue;
    }
    if (c === "`") {
      keep(c);
      i++;
      templateText();
      continue;
    }
    if (templates.length > 0 && (c === "{" || c === "}")) {
      if (c === "{") templates[templates.length - 1]++;
      else if (templates[templates.length - 1] === 0) {
        templates.pop();
        keep(c);
        i++;
        templateText();
        continue;
      } else templates[templates.length - 1]--;
    }
    if (c === "/" && regexAllowed()) {
      let inClass = false;
      blank(c);
      i++;
      while (i < n && source[i] !== "\n") {
        const ch = source[i];
        if (ch === "\\") { blank(ch); if (i + 1 < n) blank(source[i + 1]); i += 2; continue; }
        blank(ch);
        i++;
        if (ch === "[") inClass = true;
        else if (ch === "]") inClass = false;
        else if (ch === "/" && !inClass) break;
      }
      continue;
    }
    keep(c);
    i++;
  }
  return { withStrings: withStrings.join(""), codeOnly: codeOnly.join("") };
}

export interface Import { specifier: string; line: number; typeOnly: boolean }

export const importPatterns = [
  // import x from "…", import type { X } from "…", export * from "…", export { a } from "…"
  /(?<![\w$.])(?:import|export)\s+(?:type\s+)?[\w$*{}\s,]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
  // import "…" (side effects only)
  /(?<![\w$.])import\s*(["'])([^"'\n]+)\1/g,
  // import("…")
  /(?<![\w$.])import\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g,
];

/** Every import of a module's source: static, type-only, re-exports and literal dynamic ones. */
export function scanImports(source: string): Import[] {
  const { withStrings, codeOnly } = stripSource(source);
  const found = new Map<number, Import>();
  for (const pattern of importPatterns) {
    for (const match of withStrings.matchAll(pattern)) {
      // The keyword itself must be code, not the inside of a string.
      if (!/^(import|export)/.test(codeOnly.slice(match.index!, match.index! + 6))) continue;
      const at = match.index! + match[0].lastIndexOf(match[2]);
      const typeOnly = /^(import|export)\s+type\s/.test(match[0]);
      found.set(at, { specifier: match[2], line: withStrings.slice(0, at).split("\n").length, typeOnly });
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, found]) => found);
}

/** One cycle (as the edges that close it) per strongly connected component with a cycle. */
export function findCycles(graph: Map<string, Edge[]>): Edge[][] {
  // Tarjan's strongly connected components.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const edge of graph.get(node)!) {
      const next = edge.target!;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);

  const cycles: Edge[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = component.sort()[0];
    const self = graph.get(start)!.find((edge) => edge.target === start);
    if (self) {
      cycles.push([self]);
      continue;
    }
    if (component.length < 2) continue;
    // Shortest way from start back to start inside the component.
    const via = new Map<string, Edge>();
    const queue = [start];
    while (queue.length > 0) {
      const node = queue.shift()!;
      for (const edge of graph.get(node)!) {
        if (!members.has(edge.target!)) continue;
        if (edge.target === start) {
          const path = [edge];
          for (let at = node; at !== start; at = via.get(at)!.from) path.unshift(via.get(at)!);
          cycles.push(path);
          queue.length = 0;
          break;
        }
        if (!via.has(edge.target!)) {
          via.set(edge.target!, edge);
          queue.push(edge.target!);
        }
      }
    }
  }
  return cycles;
}
