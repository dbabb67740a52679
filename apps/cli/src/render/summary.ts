import { type RunResult, seconds, tokensPerSecond } from "../runResult.js"

/** The plain summary after a run: `key=value` pairs (timings last), one line. */
export const summaryLine = (result: RunResult): string => {
  const { response } = result
  const firstFrame = result.firstFrameMs === null ? "-" : `${(result.firstFrameMs / 1000).toFixed(3)}s`
  return [
    `done mode=${result.mode}`,
    ...(typeof result.request["model"] === "string" ? [`model=${result.request["model"]}`] : []),
    `finish=${response.finishReason}`,
    `tokens=${response.usage.completionTokens}`,
    `nfe=${response.usage.nfe}`,
    `steps=${response.usage.steps}`,
    `wall=${(result.wallMs / 1000).toFixed(3)}s`,
    `first_frame=${firstFrame}`,
    `tokens_per_s=${tokensPerSecond(result).toFixed(1)}`,
  ].join(" ")
}

/** The same for the live view. */
export const prettySummary = (result: RunResult): string => {
  const { response } = result
  return [
    `done (${response.finishReason})`,
    `${response.usage.completionTokens} tokens`,
    `NFE ${response.usage.nfe}`,
    `wall ${seconds(result.wallMs)}`,
    `first frame ${result.firstFrameMs === null ? "-" : seconds(result.firstFrameMs)}`,
    `${tokensPerSecond(result).toFixed(1)} tokens/s`,
  ].join(" · ")
}
