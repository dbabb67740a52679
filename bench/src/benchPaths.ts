import { resolve } from "node:path"
import { fileURLToPath } from "node:url"

/** bench/, whether this runs from src/ (tsx) or dist/ (compiled). */
const benchRoot = resolve(fileURLToPath(import.meta.url), "../..")

export const resultsDir = resolve(benchRoot, "results")
export const defaultGridFile = resolve(resultsDir, "grid.json")
export const defaultFastFile = resolve(resultsDir, "fast.json")
export const ciGridFile = resolve(resultsDir, "ci-grid.json")
export const gateBaselineFile = resolve(benchRoot, "gate-baseline.json")
export const scenariosFile = resolve(benchRoot, "k6/scenarios.json")
export const gpuCallsFile = resolve(resultsDir, "gpu-calls.json")
export const defaultModelDir = resolve(benchRoot, "../models")
