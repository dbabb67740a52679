import type { GateMeasurement, GateRound, RunSample } from "../../src/gate/GateMeasurement.js"
import { gatePlan } from "../../src/gate/gatePreset.js"
import { testMachine } from "./testMachine.js"

export interface SyntheticCosts {
  /** CPU ms of one diffusion call over the N-token canvas. */
  readonly diffusionCallMs: number
  /** CPU ms of one AR step. */
  readonly arStepMs: number
  /** CPU ms of sampler work around each diffusion call, and each AR step. */
  readonly diffusionSamplerMs: number
  readonly arSamplerMs: number
  /** CPU ms of a batch of `gatePlan.batch` rows over the canvas. */
  readonly batchCallMs: number
  readonly longDiffusionCallMs: number
  readonly longArStepMs: number
  /** CPU ms of one cached window call of the greedy dual-cache runs. */
  readonly cachedCallMs: number
}

/** Made-up costs chosen by the tests, not measured: N = 32, AR and diffusion at 2 ms per call plus sampler work. */
export const baseCosts: SyntheticCosts = {
  diffusionCallMs: 4,
  arStepMs: 2,
  diffusionSamplerMs: 8,
  arSamplerMs: 1,
  batchCallMs: 8,
  longDiffusionCallMs: 20,
  longArStepMs: 4,
  cachedCallMs: 1,
}

const run = (nfe: number, callMs: number, samplerMs: number, jitter: number): RunSample => ({
  nfe,
  modelCpuMs: nfe * callMs * jitter,
  cpuMs: nfe * (callMs + samplerMs) * jitter,
  modelWallMs: nfe * callMs * jitter * 1.5,
  wallMs: nfe * (callMs + samplerMs) * jitter * 1.5,
})

/** A gate run whose rounds scale every time by the given factors (noise that moves everything together). */
export const syntheticGate = (overrides: Partial<SyntheticCosts> = {}, roundScales: ReadonlyArray<number> = [1, 1.1, 0.9]): GateMeasurement => {
  const costs = { ...baseCosts, ...overrides }
  const n = gatePlan.genLength
  const rounds = roundScales.map((scale): GateRound => ({
    ar: [run(n, costs.arStepMs, costs.arSamplerMs, scale)],
    quarter: [run(n / 4, costs.diffusionCallMs, costs.diffusionSamplerMs, scale)],
    full: [run(n, costs.diffusionCallMs, costs.diffusionSamplerMs, scale)],
    greedyPlain: [run(n, costs.diffusionCallMs, costs.diffusionSamplerMs, scale)],
    greedyDual: [run(n, costs.cachedCallMs, costs.arSamplerMs, scale)],
    calls: {
      canvas: [costs.diffusionCallMs * scale],
      canvasBatch: [costs.batchCallMs * scale],
      diffusionLong: [costs.longDiffusionCallMs * scale],
      arStepLong: [costs.longArStepMs * scale],
    },
  }))
  return {
    startedAt: "2025-01-01T00:00:00.000Z",
    machine: testMachine,
    plan: gatePlan,
    injected: { slowDiffusion: 1, slowSampler: 1 },
    rounds,
  }
}
