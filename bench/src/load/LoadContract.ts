import { readFileSync } from "node:fs"
import { Schema } from "effect"
import { scenariosFile } from "../benchPaths.js"

const Thresholds = Schema.Record(Schema.String, Schema.String)

/** Limits of the API key a scenario runs with (the edge's admin API); absent: a key no scenario can exhaust. */
export const KeyLimits = Schema.Record(Schema.String, Schema.Int)

const shared = {
  thresholds: Thresholds,
  expectedStatuses: Schema.optionalKey(Schema.Array(Schema.Int)),
  keyLimits: Schema.optionalKey(KeyLimits),
}

export const ConstantArrivalRate = Schema.Struct({
  executor: Schema.Literal("constant-arrival-rate"),
  rate: Schema.Int,
  timeUnit: Schema.String,
  duration: Schema.String,
  preAllocatedVUs: Schema.Int,
  maxVUs: Schema.Int,
  ...shared,
})

export const RampingVus = Schema.Struct({
  executor: Schema.Literal("ramping-vus"),
  startVUs: Schema.Int,
  stages: Schema.Array(Schema.Struct({ duration: Schema.String, target: Schema.Int })),
  ...shared,
})

export const Scenario = Schema.Union([ConstantArrivalRate, RampingVus])
export type Scenario = typeof Scenario.Type

/** bench/k6/scenarios.json: the one definition of the load tests that k6 and autocannon both run. */
export const LoadContract = Schema.Struct({
  description: Schema.String,
  request: Schema.Struct({ path: Schema.String, body: Schema.Record(Schema.String, Schema.Unknown) }),
  scenarios: Schema.Record(Schema.String, Scenario),
})
export type LoadContract = typeof LoadContract.Type

export const readLoadContract = (path = scenariosFile): LoadContract =>
  Schema.decodeUnknownSync(LoadContract)(JSON.parse(readFileSync(path, "utf8")))
