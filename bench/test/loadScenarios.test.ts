import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { scenariosFile } from "../src/benchPaths.js"
import { autocannonPlan } from "../src/load/autocannonPlan.js"
import { durationSeconds } from "../src/load/durations.js"
import { readLoadContract } from "../src/load/LoadContract.js"
import { evaluateThreshold } from "../src/load/thresholds.js"

const k6Script = readFileSync(fileURLToPath(new URL("../k6/generate.js", import.meta.url)), "utf8")
const contract = readLoadContract()

describe("the shared scenario definition", () => {
  it("is what the k6 script runs: read from scenarios.json, no scenario written inline", () => {
    expect(k6Script).toContain("open(\"./scenarios.json\")")
    expect(scenariosFile.endsWith("bench/k6/scenarios.json")).toBe(true)
    expect(k6Script).not.toMatch(/executor\s*:|preAllocatedVUs|target\s*:|thresholds\s*:\s*\{/)
    expect(k6Script).toContain("export function handleSummary")
  })

  it("has both executors and thresholds on failures, p95 latency and time to first frame", () => {
    const scenarios = Object.values(contract.scenarios)
    expect(scenarios.map((scenario) => scenario.executor)).toEqual(expect.arrayContaining(["constant-arrival-rate", "ramping-vus"]))
    const metrics = scenarios.flatMap((scenario) => Object.keys(scenario.thresholds))
    expect(metrics).toEqual(expect.arrayContaining(["http_req_failed", "http_req_duration", "time_to_first_frame"]))
  })

  it("turns into autocannon phases that last as long as the k6 scenario", () => {
    for (const scenario of Object.values(contract.scenarios)) {
      const k6Seconds = scenario.executor === "ramping-vus"
        ? scenario.stages.reduce((sum, stage) => sum + durationSeconds(stage.duration), 0)
        : durationSeconds(scenario.duration)
      const phases = autocannonPlan(scenario)
      expect(phases.reduce((sum, phase) => sum + phase.durationSeconds, 0)).toBe(k6Seconds)
      for (const phase of phases) expect(phase.connections).toBeGreaterThanOrEqual(1)
    }
  })

  it("maps a constant arrival rate to an overall request rate and a ramp to mean VUs per stage", () => {
    expect(autocannonPlan({ executor: "constant-arrival-rate", rate: 120, timeUnit: "1m", duration: "30s", preAllocatedVUs: 2, maxVUs: 8, thresholds: {} }))
      .toEqual([{ connections: 8, durationSeconds: 30, overallRate: 2 }])
    expect(autocannonPlan({ executor: "ramping-vus", startVUs: 0, stages: [{ duration: "10s", target: 4 }, { duration: "5s", target: 0 }], thresholds: {} }))
      .toEqual([{ connections: 2, durationSeconds: 10 }, { connections: 2, durationSeconds: 5 }])
  })
})

describe("durations and thresholds", () => {
  it("parses k6 durations", () => {
    expect(durationSeconds("1m30s")).toBe(90)
    expect(durationSeconds("500ms")).toBe(0.5)
    expect(() => durationSeconds("ten seconds")).toThrow(/not a k6 duration/)
  })

  it("evaluates k6 threshold expressions", () => {
    const inputs = { rate: 0.02, percentile: (q: number) => q * 1000 }
    expect(evaluateThreshold("http_req_failed", "rate<0.01", inputs).passed).toBe(false)
    expect(evaluateThreshold("http_req_duration", "p(95)<1000", inputs)).toMatchObject({ observed: 950, passed: true })
    expect(evaluateThreshold("http_req_duration", "p(99)<=900", inputs).passed).toBe(false)
    expect(() => evaluateThreshold("x", "avg<3", inputs)).toThrow(/unsupported threshold/)
  })
})
