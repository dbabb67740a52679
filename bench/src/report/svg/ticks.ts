/** About `target` round ticks (1, 2, 5 × 10^k steps) covering [min, max]. */
export const linearTicks = (min: number, max: number, target = 6): Array<number> => {
  if (min === max) return [min]
  const rough = (max - min) / target
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude
  const ticks: Array<number> = []
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)))
  return ticks
}

/** 1, 2, 5 × 10^k ticks within [min, max] (min > 0); thinned to powers of ten over a wide range. */
export const logTicks = (min: number, max: number): Array<number> => {
  const ticks: Array<number> = []
  const wide = Math.log10(max / min) > 3
  for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
    for (const mantissa of wide ? [1] : [1, 2, 5]) {
      const tick = mantissa * 10 ** exponent
      if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9)) ticks.push(Number(tick.toPrecision(12)))
    }
  }
  return ticks
}

/** A tick label without float noise: 0.1, 2, 1.5k, 20k. */
export const formatTick = (value: number): string => {
  const absolute = Math.abs(value)
  if (absolute >= 10_000) return `${Number((value / 1000).toPrecision(3))}k`
  return String(Number(value.toPrecision(3)))
}
