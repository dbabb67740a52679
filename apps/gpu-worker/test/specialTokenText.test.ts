import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ModelRegistryLive, parseWorkerConfig, type RunningWorker, TextTokenizer, TextTokenizerLive, WorkerConfig } from "../src/index.js"
import { json, parseServerSentEvents, postJson, startTestWorker } from "./support/workerHarness.js"

/** User text that spells the tokenizer's special tokens (end-of-text 4093, mask 4094, pad 4095). */
const SPECIAL_TOKEN_TEXT = "a [MASK] b <|endoftext|>"
/** Its length as plain text; the edge's tests count the same prompt to the same number. */
const SPECIAL_TOKEN_TEXT_TOKENS = 18
const FIRST_SPECIAL_ID = 4093

let tokenizer: TextTokenizer["Service"]
let tokenizerScope: Scope.Closeable
beforeAll(async () => {
  tokenizerScope = Effect.runSync(Scope.make())
  tokenizer = await Effect.runPromise(Effect.gen(function*() {
    const settings = yield* parseWorkerConfig({ ALLOW_UNSIGNED: "1" })
    const services = yield* Layer.buildWithScope(
      TextTokenizerLive.pipe(Layer.provideMerge(ModelRegistryLive), Layer.provide(Layer.succeed(WorkerConfig, settings))),
      tokenizerScope,
    )
    return Context.get(services, TextTokenizer)
  }))
})
afterAll(() => Effect.runPromise(Scope.close(tokenizerScope, Exit.void)))

describe("TextTokenizer: user text is text, never control tokens", () => {
  it.each([SPECIAL_TOKEN_TEXT, "[PAD][MASK][MASK]", "<|endoftext|><|endoftext|>", "x[MASK]y"])(
    "%j encodes without special ids and decodes back to itself",
    async (text) => {
      const ids = await Effect.runPromise(tokenizer.encode(text))
      const [decoded] = await Effect.runPromise(tokenizer.decodeRuns([[...ids]]))
      expect([...ids].filter((id) => id >= FIRST_SPECIAL_ID)).toEqual([])
      expect(decoded).toBe(text)
    },
  )
})

describe("POST /v1/generate with special-token text in the prompt", () => {
  let worker: RunningWorker
  beforeAll(async () => {
    worker = await startTestWorker()
  })
  afterAll(() => worker?.close())

  it.each(["diffusion", "ar"])("%s, not streaming: 200, the prompt counted as plain text", async (mode) => {
    const response = await postJson(worker, { prompt: SPECIAL_TOKEN_TEXT, mode, maxTokens: 8, steps: 4, seed: 1 })
    expect(response.status).toBe(200)
    const body = await json(response)
    expect(body.usage.promptTokens).toBe(SPECIAL_TOKEN_TEXT_TOKENS)
    expect(body.usage.completionTokens).toBe(body.tokens.length)
  })

  it.each(["diffusion", "ar"])("%s, streaming: steps then done, no error event", async (mode) => {
    const response = await postJson(worker, { prompt: SPECIAL_TOKEN_TEXT, mode, maxTokens: 8, steps: 4, seed: 1, stream: true })
    expect(response.status).toBe(200)
    const events = parseServerSentEvents(await response.text())
    expect(events.map((event) => event.event)).not.toContain("error")
    expect(events.at(-1)!.event).toBe("done")
    expect(events.at(-1)!.data.usage.promptTokens).toBe(SPECIAL_TOKEN_TEXT_TOKENS)
  })
})
