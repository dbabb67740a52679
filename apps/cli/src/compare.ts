import { type RunResult, tokensPerSecond } from "./runResult.js"

const pad = (text: string, width: number, right: boolean) => (right ? text.padStart(width) : text.padEnd(width))

/**
 * `--compare`'s table: one row per run (wall time, time to first frame, NFE, tokens, tokens/s),
 * then the first run against the second (diffusion against AR).
 */
export const compareTable = (results: ReadonlyArray<RunResult>): string => {
  const header = ["mode", "wall", "first frame", "NFE", "tokens", "tokens/s"]
  const rows = results.map((result) => [
    result.mode,
    `${(result.wallMs / 1000).toFixed(2)} s`,
    result.firstFrameMs === null ? "-" : `${(result.firstFrameMs / 1000).toFixed(2)} s`,
    String(result.response.usage.nfe),
    String(result.response.usage.completionTokens),
    tokensPerSecond(result).toFixed(1),
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, column) => pad(cell, widths[column]!, column > 0)).join("  ").trimEnd()
  const lines = [line(header), ...rows.map(line)]
  const [first, second] = results
  if (first !== undefined && second !== undefined && second.response.usage.nfe > 0 && tokensPerSecond(second) > 0) {
    const nfe = first.response.usage.nfe / second.response.usage.nfe
    const speed = tokensPerSecond(first) / tokensPerSecond(second)
    lines.push(`${first.mode} vs ${second.mode}: ${nfe.toFixed(2)}× the NFE, ${speed.toFixed(2)}× the tokens/s`)
  }
  return `${lines.join("\n")}\n`
}
