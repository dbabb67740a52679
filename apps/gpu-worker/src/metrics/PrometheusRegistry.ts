/** A minimal Prometheus text-format (0.0.4) registry: counters, gauges and histograms with labels. */

type Labels = Readonly<Record<string, string>>

const labelKey = (labels: Labels): string =>
  Object.keys(labels).sort().map((name) => `${name}="${escapeLabel(labels[name]!)}"`).join(",")

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n")

const sample = (name: string, key: string, value: number) =>
  `${name}${key === "" ? "" : `{${key}}`} ${Number.isFinite(value) ? value : value > 0 ? "+Inf" : "-Inf"}`

interface Family {
  render(): string
}

export class Counter implements Family {
  private readonly values = new Map<string, number>()
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels)
    this.values.set(key, (this.values.get(key) ?? 0) + by)
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const [key, value] of this.values) lines.push(sample(this.name, key, value))
    return lines.join("\n")
  }
}

export class Gauge implements Family {
  private readonly values = new Map<string, number>()
  constructor(readonly name: string, readonly help: string) {}
  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value)
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`]
    if (this.values.size === 0) lines.push(sample(this.name, "", 0))
    for (const [key, value] of this.values) lines.push(sample(this.name, key, value))
    return lines.join("\n")
  }
}

interface HistogramSeries {
  readonly labels: Labels
  readonly bucketCounts: Array<number>
  sum: number
  count: number
}

export class Histogram implements Family {
  private readonly series = new Map<string, HistogramSeries>()
  constructor(readonly name: string, readonly help: string, readonly buckets: ReadonlyArray<number>) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels)
    let series = this.series.get(key)
    if (series === undefined) {
      series = { labels, bucketCounts: this.buckets.map(() => 0), sum: 0, count: 0 }
      this.series.set(key, series)
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) series.bucketCounts[i]!++
    })
    series.sum += value
    series.count++
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const series of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(sample(`${this.name}_bucket`, labelKey({ ...series.labels, le: String(bound) }), series.bucketCounts[i]!))
      })
      lines.push(sample(`${this.name}_bucket`, labelKey({ ...series.labels, le: "+Inf" }), series.count))
      lines.push(sample(`${this.name}_sum`, labelKey(series.labels), series.sum))
      lines.push(sample(`${this.name}_count`, labelKey(series.labels), series.count))
    }
    return lines.join("\n")
  }
}

export class PrometheusRegistry {
  private readonly families: Array<Family> = []
  register<F extends Family>(family: F): F {
    this.families.push(family)
    return family
  }
  render(): string {
    return this.families.map((family) => family.render()).join("\n") + "\n"
  }
}
