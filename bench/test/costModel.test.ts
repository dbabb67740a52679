import { describe, expect, it } from "vitest"
import { fitCostModel, predictCrossover } from "../src/costModel/fitCostModel.js"
import { measuredCrossover } from "../src/costModel/measuredCrossover.js"
import { syntheticCell, syntheticGrid, timing } from "./support/syntheticGrid.js"

describe("cost model", () => {
  it("fits F_diff quadratically and F_AR linearly from synthetic timings", () => {
    const lengths = [9, 33, 65, 129, 193, 256]
    const pasts = [1, 64, 128, 255]
    const model = fitCostModel({
      diffusion: lengths.map((length) => timing(1, length, 0, 3 + 0.05 * length + 0.0002 * length * length)),
      arStep: pasts.map((past) => timing(1, 1, past, 1 + 0.002 * past)),
    })
    expect(model.diffusion.coefficients).toHaveLength(3)
    expect(model.diffusion.coefficients[0]).toBeCloseTo(3, 6)
    expect(model.arStep.coefficients[1]).toBeCloseTo(0.002, 8)

    const prediction = predictCrossover(model, 0, 64)
    const expectedDiffusion = 3 + 0.05 * 65 + 0.0002 * 65 * 65
    const expectedAr = 1 + 0.002 * 32 // mean of p = 1 … 63
    expect(prediction.diffusionCallMs).toBeCloseTo(expectedDiffusion, 6)
    expect(prediction.arStepMs).toBeCloseTo(expectedAr, 6)
    expect(prediction.tokensPerForward).toBeCloseTo(expectedDiffusion / expectedAr, 6)
  })

  it("interpolates the measured crossover between the cells either side of break-even", () => {
    // AR 320 ms; vanilla T = 32 at 640 ms (0.5×), T = 8 at 160 ms (2×): break-even at k = 2 on a log scale.
    const crossover = measuredCrossover(syntheticGrid().cells, 0, 32)
    expect(crossover?.side).toBe("crosses")
    expect(crossover?.tokensPerForward).toBeCloseTo(2, 6)
  })

  it("says which side wins when the measurements never cross", () => {
    const slow = syntheticGrid({ quarterWallMs: 400 }).cells
    expect(measuredCrossover(slow, 0, 32)?.side).toBe("AR always faster")
    const base = syntheticGrid().cells
    const fast = base.map((cell) => (cell.sampler.kind === "ar" ? syntheticCell(cell, 5000, 32) : cell))
    expect(measuredCrossover(fast, 0, 32)?.side).toBe("diffusion always faster")
    expect(measuredCrossover(base, 64, 32)).toBeNull()
  })
})
