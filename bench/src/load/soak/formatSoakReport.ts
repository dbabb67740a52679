import type { SoakReport } from "./runSoak.js"
import { EDGE_HEAP_TOLERANCE, usageCheckPasses } from "./soakVerdict.js"

const mb = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "–")
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "–")
const statuses = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b)).map(([status, count]) => `${status}: ${count}`).join(", ") || "–"
const yes = (passed: boolean) => (passed ? "yes" : "**no**")

/** Means of the samples of each whole minute (the last, partial one included). */
const perMinute = (report: SoakReport) => {
  const minutes = Math.ceil(report.seconds / 60)
  return Array.from({ length: minutes }, (_, minute) => {
    const inMinute = report.memory.samples.filter((sample) => sample.atS >= minute * 60 && sample.atS < (minute + 1) * 60)
    const mean = (pick: (sample: (typeof inMinute)[number]) => number) => {
      const figures = inMinute.map(pick).filter(Number.isFinite)
      return figures.reduce((sum, figure) => sum + figure, 0) / figures.length
    }
    return `| ${minute + 1} | ${inMinute.length} | ${mb(mean((sample) => sample.workerMb))} | ${mb(mean((sample) => sample.edgeMb))} | ${mb(mean((sample) => sample.edgeRuntimeMb))} | ${mb(mean((sample) => sample.edgeHeapMb))} |`
  })
}

/** The soak's section of bench/results/load.md. */
export const formatSoakReport = (report: SoakReport): string => {
  const { verdict, memory } = report
  const trend = (label: string, value: SoakReport["memory"]["worker"], judged = true) =>
    `| ${label} | ${mb(value.secondMinuteMb)} | ${mb(value.lastMinuteMb)} | ${Number.isFinite(value.ratio) ? `${value.ratio.toFixed(3)}×` : "–"} | ${judged ? yes(value.flat) : "not judged"} |`
  const expected = (value: number | readonly [number, number]) => (typeof value === "number" ? String(value) : `${value[0]} – ${value[1]}`)
  const lines = [
    `## Soak (\`npm run bench:load -- --soak\`): ${report.seconds} s of mixed load`,
    "",
    `${report.startedAt}, ${report.seconds} s, stack: ${report.stack}. Every lane at once, each paced to at most one request a`,
    "second (all together below the edge's per-IP shield, so every 429 comes from the rate-limited key); same prompt everywhere.",
    `**${verdict.passed ? "Pass" : "Fail"}**: memory flat (last minute's mean against the second's) worker ${yes(verdict.workerMemoryFlat)} (resident set, ±10 %),`,
    `edge ${yes(verdict.edgeMemoryFlat)} (its isolate's JS heap after GC, ±${EDGE_HEAP_TOLERANCE * 100} %);`,
    `worker never restarted ${yes(verdict.workerNeverRestarted)}; no 5xx ${yes(verdict.no5xx)}; no hangs (60 s) ${yes(verdict.noHangs)};`,
    `no other failure ${yes(verdict.noOtherFailures)}; usage totals equal to the requests sent ${yes(verdict.usageMatches)}.`,
    "",
    "| lane | key | requests | statuses | cancelled on purpose | hangs | latency p50 / p95 ms |",
    "|---|---|---:|---|---:|---:|---:|",
    ...report.lanes.map((lane) =>
      `| ${lane.name} | ${lane.key} | ${lane.sent} | ${statuses(lane.statusCounts)} | ${lane.cancelled || "–"} | ${lane.hangs} | ${ms(lane.latencyMs.p50)} / ${ms(lane.latencyMs.p95)} |`
    ),
    `| ${report.rateLimited.name} (autocannon) | limited | ${report.rateLimited.sent} | ${statuses(report.rateLimited.statusCounts)} | – | ${report.rateLimited.hangs} | – |`,
    "",
    `### Memory (resident sets every 10 s, the edge's heap every 30 s: ${memory.samples.length} samples)`,
    "",
    "The edge's heap: `Runtime.getHeapUsage` right after a heap snapshot (a full GC) over wrangler dev's inspector,",
    "what the edge's code keeps alive. wrangler dev's workerd resident set is reported, not judged: it grows with",
    "requests in its proxy process too, which runs none of the edge's code (production does not run wrangler dev).",
    "",
    "| figure | second minute MB | last minute MB | last / second | flat |",
    "|---|---:|---:|---:|---|",
    trend("gpu-worker resident set (node)", memory.worker),
    trend("edge isolate's JS heap after GC", memory.edgeHeap),
    trend("edge resident set (wrangler dev's workerd processes)", memory.edge, false),
    trend("of which the edge's runtime (the rest is wrangler's proxy)", memory.edgeRuntime, false),
    "",
    "| minute | samples | worker MB | edge workerd MB (all) | of which the edge's runtime MB | edge heap MB |",
    "|---:|---:|---:|---:|---:|---:|",
    ...perMinute(report),
    "",
    "### The edge's books (`GET /admin/keys/:id/usage`) against what the requests reported",
    "",
    "Expected: main, the sum of the answers' `usage`; cancel, the NFE between what the client read before it cancelled and",
    "the streams' steps; limited, one request and 8 NFE per 200 (429s are never admitted); prompt tokens, the prompt's count",
    "(from main's answers) per admitted request.",
    "",
    "| key | figure | expected | recorded | equal |",
    "|---|---|---:|---:|---|",
    ...report.usage.map((check) => `| ${check.key} | ${check.quantity} | ${expected(check.expected)} | ${check.recorded} | ${yes(usageCheckPasses(check))} |`),
  ]
  if (report.workerMetrics !== undefined) {
    lines.push(
      "",
      `Worker \`/metrics\` over the soak: requests by status ${statuses(report.workerMetrics.requestsByStatus)} (499: the client went away, here the`,
      `cancelled streams); NFE of the generations it finished (\`unmask_generation_nfe\`, cancelled ones are not observed there):`,
      `${report.workerMetrics.nfe}, against ${report.recorded.main.nfe + report.recorded.limited.nfe} recorded by the edge for main and limited.`,
    )
  }
  return `${lines.join("\n")}\n`
}
