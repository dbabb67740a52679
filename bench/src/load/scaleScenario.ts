import { durationSeconds } from "./durations.js"
import type { Scenario } from "./LoadContract.js"

const scaled = (duration: string, factor: number) => `${Math.max(2, Math.round(durationSeconds(duration) * factor))}s`

/** The same scenario with every duration multiplied by `factor` (at least 2 s each): `bench:load -- --quick`. */
export const scaleScenario = (scenario: Scenario, factor: number): Scenario =>
  factor === 1
    ? scenario
    : scenario.executor === "constant-arrival-rate"
    ? { ...scenario, duration: scaled(scenario.duration, factor) }
    : { ...scenario, stages: scenario.stages.map((stage) => ({ ...stage, duration: scaled(stage.duration, factor) })) }
