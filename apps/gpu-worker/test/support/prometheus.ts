import type { RunningWorker } from "../../src/index.js"

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|-Inf|NaN))$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus text format strictly: any line that is not a comment or a sample throws. */
export const parsePrometheus = (text: string): { samples: Array<Sample>; types: Map<string, string> } => {
  const samples: Array<Sample> = []
  const types = new Map<string, string>()
  for (const line of text.split("\n")) {
    if (line === "") continue
    if (line.startsWith("# HELP ")) continue
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ")
      types.set(name!, type!)
      continue
    }
    const match = SAMPLE.exec(line)
    if (match === null) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return { samples, types }
}

export const scrape = async (worker: RunningWorker) => parsePrometheus(await (await fetch(`${worker.url}/metrics`)).text())

/** Sum of the samples called `name` whose labels include `labels`. */
export const total = (samples: ReadonlyArray<Sample>, name: string, labels: Readonly<Record<string, string>> = {}) =>
  samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0)

export const modelCalls = async (worker: RunningWorker) => total((await scrape(worker)).samples, "unmask_model_calls_total")

/** Waits until the worker's model-call counter stops moving (polled every 300 ms), and returns it. */
export const settledModelCalls = async (worker: RunningWorker) => {
  let previous = await modelCalls(worker)
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    const current = await modelCalls(worker)
    if (current === previous) return current
    previous = current
  }
}
