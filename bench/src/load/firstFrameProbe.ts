import { readServerSentEvents } from "@unmask/wire"
import { type TargetAuth, requestHeaders } from "./RequestSigner.js"

/**
 * Sends one streaming request every `intervalMs` while a load runs and records the time until the
 * first `event: step` arrives: what a user waits before the canvas starts to move.
 */
export const startFirstFrameProbe = (
  url: string,
  path: string,
  body: () => Record<string, unknown>,
  auth: TargetAuth,
  intervalMs: number,
) => {
  const samples: Array<number> = []
  let running = true
  const probeOnce = async () => {
    const text = JSON.stringify({ ...body(), stream: true })
    const started = performance.now()
    const response = await fetch(`${url}${path}`, { method: "POST", headers: await requestHeaders(auth, `${url}${path}`, text), body: text })
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel()
      return
    }
    // Stopping at the first step cancels the rest of the body (@unmask/wire's parser).
    for await (const { event } of readServerSentEvents(response.body)) {
      if (event === "step") {
        samples.push(performance.now() - started)
        break
      }
    }
  }
  const loop = (async () => {
    while (running) {
      const next = performance.now() + intervalMs
      await probeOnce().catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())))
    }
  })()
  return {
    stop: async (): Promise<ReadonlyArray<number>> => {
      running = false
      await loop
      return samples
    },
  }
}
