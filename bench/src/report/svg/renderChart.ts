import { formatTick, linearTicks, logTicks } from "./ticks.js"

export interface Axis {
  /** Shown with its unit, e.g. "generated tokens N" + "tokens". */
  readonly title: string
  readonly unit: string
  readonly scale?: "linear" | "log"
}

export interface Series {
  readonly name: string
  readonly points: ReadonlyArray<readonly [number, number]>
  /** `line` joins the points in x order; `markers` draws them alone; `dashed` is a dashed line (fits, references). */
  readonly style: "line" | "markers" | "dashed"
}

export interface ChartSpec {
  readonly title: string
  readonly x: Axis
  readonly y: Axis
  readonly series: ReadonlyArray<Series>
}

const WIDTH = 880
const HEIGHT = 440
const PLOT = { left: 80, top: 48, right: 560, bottom: 370 }
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]

const escapeXml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\"", "&quot;")

interface Scale {
  readonly toPixel: (value: number) => number
  readonly ticks: ReadonlyArray<number>
}

const NICE = [1, 2, 5, 10]
/** The largest 1, 2 or 5 × 10^k at or below a positive value (so a log axis starts on a tick). */
const niceBelow = (value: number) => {
  const magnitude = 10 ** Math.floor(Math.log10(value))
  return [...NICE].reverse().map((m) => m * magnitude).find((tick) => tick <= value * (1 + 1e-9)) ?? magnitude
}
/** The smallest 1, 2 or 5 × 10^k at or above a positive value. */
const niceAbove = (value: number) => {
  const magnitude = 10 ** Math.floor(Math.log10(value))
  return NICE.map((m) => m * magnitude).find((tick) => tick >= value * (1 - 1e-9)) ?? 10 * magnitude
}

const makeScale = (values: ReadonlyArray<number>, axis: Axis, from: number, to: number): Scale => {
  const log = axis.scale === "log"
  const usable = log ? values.filter((value) => value > 0) : values
  let min = Math.min(...usable)
  let max = Math.max(...usable)
  if (!Number.isFinite(min)) [min, max] = log ? [1, 10] : [0, 1]
  if (min === max) [min, max] = log ? [min / 2, max * 2] : [min - 1, max + 1]
  if (!log && min > 0 && min < max * 0.35) min = 0
  if (log) [min, max] = [niceBelow(min), niceAbove(max)]
  const ticks = log ? logTicks(min, max) : linearTicks(min, max)
  const low = Math.min(min, ticks[0] ?? min)
  const high = Math.max(max, ticks[ticks.length - 1] ?? max)
  const transform = (value: number) => (log ? Math.log10(value) : value)
  const span = transform(high) - transform(low) || 1
  return { ticks, toPixel: (value) => from + ((transform(value) - transform(low)) / span) * (to - from) }
}

const axisTitle = (axis: Axis) => `${axis.title} (${axis.unit}${axis.scale === "log" ? ", log scale" : ""})`

/** A self-contained SVG chart: title, both axes titled with units, grid, ticks and a legend. */
export const renderChart = (spec: ChartSpec): string => {
  const points = spec.series.flatMap((series) => series.points)
  const usable = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
  const xScale = makeScale(usable.map(([x]) => x), spec.x, PLOT.left, PLOT.right)
  const yScale = makeScale(usable.map(([, y]) => y), spec.y, PLOT.bottom, PLOT.top)
  const visible = ([x, y]: readonly [number, number]) =>
    Number.isFinite(x) && Number.isFinite(y) && (spec.x.scale !== "log" || x > 0) && (spec.y.scale !== "log" || y > 0)
  const parts: Array<string> = []

  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`)
  parts.push(`<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`)
  for (const tick of xScale.ticks) {
    const x = xScale.toPixel(tick).toFixed(1)
    parts.push(`<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${PLOT.bottom}" stroke="#e6e6e6"/>`)
    parts.push(`<text x="${x}" y="${PLOT.bottom + 18}" text-anchor="middle" font-size="11">${formatTick(tick)}</text>`)
  }
  for (const tick of yScale.ticks) {
    const y = yScale.toPixel(tick).toFixed(1)
    parts.push(`<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e6e6e6"/>`)
    parts.push(`<text x="${PLOT.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${formatTick(tick)}</text>`)
  }
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`)
  parts.push(`<text class="x-axis-title" x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 44}" text-anchor="middle" font-size="13">${escapeXml(axisTitle(spec.x))}</text>`)
  parts.push(
    `<text class="y-axis-title" x="20" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">${escapeXml(axisTitle(spec.y))}</text>`,
  )

  spec.series.forEach((series, index) => {
    const color = PALETTE[index % PALETTE.length]!
    const shown = series.points.filter(visible).map(([x, y]) => [xScale.toPixel(x), yScale.toPixel(y)] as const)
    if (series.style !== "markers" && shown.length > 1) {
      const path = [...shown].sort((a, b) => a[0] - b[0]).map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")
      const dash = series.style === "dashed" ? ` stroke-dasharray="6 4"` : ""
      parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`)
    }
    if (series.style !== "dashed") {
      for (const [x, y] of shown) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${color}"/>`)
    }
  })

  const legendX = PLOT.right + 16
  parts.push(`<g class="legend"><text x="${legendX}" y="${PLOT.top + 4}" font-size="12" font-weight="bold">Legend</text>`)
  spec.series.forEach((series, index) => {
    const color = PALETTE[index % PALETTE.length]!
    const y = PLOT.top + 24 + index * 20
    const dash = series.style === "dashed" ? ` stroke-dasharray="6 4"` : ""
    if (series.style === "markers") parts.push(`<circle cx="${legendX + 12}" cy="${y}" r="3.5" fill="${color}"/>`)
    else parts.push(`<line x1="${legendX}" y1="${y}" x2="${legendX + 24}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`)
    parts.push(`<text x="${legendX + 30}" y="${y}" dominant-baseline="middle" font-size="11">${escapeXml(series.name)}</text>`)
  })
  parts.push(`</g>`)

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">\n${parts.join("\n")}\n</svg>\n`
}
