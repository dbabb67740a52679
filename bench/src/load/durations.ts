const UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 }

/** A k6 duration ("500ms", "30s", "1m30s") in seconds. */
export const durationSeconds = (text: string): number => {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) throw new Error(`not a k6 duration: "${text}"`)
  return parts.reduce((sum, part) => sum + Number(part[1]) * UNITS[part[2]!]!, 0)
}
