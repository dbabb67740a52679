import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** A static check, run in Node with the e2e suite: the edge's src/ has no import cycle (type-only imports count too). */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?["'](\.[^"']+)["']/g;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []);

const importsOf = (file: string): string[] =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)].map((match) => resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts")));

/** The first cycle found by depth-first search, as the files along it (first file repeated at the end), or null. */
const findCycle = (graph: Map<string, string[]>): string[] | null => {
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | null => {
    const seen = path.indexOf(file);
    if (seen !== -1) return [...path.slice(seen), file];
    if (done.has(file)) return null;
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next, [...path, file]);
      if (cycle !== null) return cycle;
    }
    done.add(file);
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file, []);
    if (cycle !== null) return cycle;
  }
  return null;
};

describe("edge source import graph", () => {
  const graph = new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)]));

  it("reads the imports it should", () => {
    expect(graph.get(join(SRC, "env.ts"))).toContain(join(SRC, "limits/KeyLimiter.ts"));
  });

  it("has no cycle", () => {
    const cycle = findCycle(graph);
    expect(cycle?.map((file) => relative(SRC, file)).join(" -> ") ?? "no cycle").toBe("no cycle");
  });

  it("finds a cycle when there is one", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"]);
  });
});
