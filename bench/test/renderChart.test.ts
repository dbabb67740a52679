import { describe, expect, it } from "vitest"
import { renderChart } from "../src/report/svg/renderChart.js"
import { formatTick, linearTicks, logTicks } from "../src/report/svg/ticks.js"

const chart = renderChart({
  title: "Latency <vs> N",
  x: { title: "generated tokens N", unit: "tokens" },
  y: { title: "wall time", unit: "ms", scale: "log" },
  series: [
    { name: "diffusion T = N", style: "line", points: [[16, 100], [32, 400], [64, 1600]] },
    { name: "AR + KV cache", style: "dashed", points: [[16, 200], [32, 400], [64, 800]] },
    { name: "samples", style: "markers", points: [[20, 300], [40, Number.NaN]] },
  ],
})

describe("renderChart", () => {
  it("is one standalone SVG document", () => {
    expect(chart.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true)
    expect(chart.trimEnd().endsWith("</svg>")).toBe(true)
  })

  it("titles both axes with their units and marks the log scale", () => {
    expect(chart).toMatch(/class="x-axis-title"[^>]*>generated tokens N \(tokens\)</)
    expect(chart).toMatch(/class="y-axis-title"[^>]*>wall time \(ms, log scale\)</)
  })

  it("has a legend entry per series and escapes text", () => {
    const legend = chart.slice(chart.indexOf("<g class=\"legend\">"))
    for (const name of ["diffusion T = N", "AR + KV cache", "samples"]) expect(legend).toContain(`>${name}<`)
    expect(chart).toContain("Latency &lt;vs&gt; N")
  })

  it("draws lines, dashes and markers, skipping non-finite points", () => {
    expect(chart.match(/<polyline/g)).toHaveLength(2)
    expect(chart).toContain("stroke-dasharray")
    expect(chart.match(/<circle/g)?.length).toBe(3 + 1 + 1) // line points + the marker point + its legend marker
  })
})

describe("ticks", () => {
  it("picks round linear steps covering the range", () => {
    expect(linearTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100])
  })

  it("picks 1-2-5 log ticks", () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100])
  })

  it("formats without float noise", () => {
    expect(formatTick(0.1 + 0.2)).toBe("0.3")
    expect(formatTick(20_000)).toBe("20k")
  })
})
