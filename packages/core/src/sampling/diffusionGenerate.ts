import { Effect, Stream } from "effect"
import { Denoiser } from "../model/Denoiser.js"
import { expectLogitsShape } from "../model/expectLogitsShape.js"
import { expectWindowShape } from "../model/expectWindowShape.js"
import { ModelError } from "../model/ModelError.js"
import type { TokenIds } from "../model/TokenIds.js"
import type { DiffusionParams } from "../params/DiffusionParams.js"
import type { InvalidParams } from "../params/InvalidParams.js"
import type { CanvasTemplate } from "./CanvasTemplate.js"
import type { Frame } from "./GenerationEvent.js"
import {
  advance,
  cacheWindow,
  denoiserInput,
  diffusionResult,
  type DiffusionState,
  needsFill,
  predictionsWanted,
  startDiffusion,
  startTemplateDiffusion,
} from "./DiffusionState.js"
import type { GenerationEvent } from "./GenerationEvent.js"
import { generationStream } from "./generationStream.js"

type Step = Effect.Effect<readonly [Frame, DiffusionState], ModelError, Denoiser>

/** Without a cache: one full forward over the canvas per step. */
const plainStep = (state: DiffusionState): Step => {
  const input = denoiserInput(state)
  return Denoiser.use((denoiser) => denoiser.denoise(input)).pipe(
    Effect.flatMap((logits) =>
      expectLogitsShape(logits, { batch: input.batch, length: input.length, vocab: state.plan.ids.vocabSize })
    ),
    Effect.map((logits) => advance(state, { _tag: "Logits", logits })),
  )
}

/** With a block KV cache: a full forward that refills the cache at each block start, then window-only forwards. */
const cachedStep = (state: DiffusionState): Step => {
  const request = { batch: denoiserInput(state), window: cacheWindow(state), wants: predictionsWanted(state) }
  const expected = {
    batch: request.batch.batch,
    length: request.window.end - request.window.start,
    vocab: state.plan.ids.vocabSize,
    wants: request.wants,
  }
  return Denoiser.use(({ cached: denoiser }) =>
    denoiser === undefined
      ? Effect.fail(new ModelError({ message: `cache "${state.plan.params.cache}" needs a denoiser with a block KV cache` }))
      : needsFill(state)
      ? Effect.flatMap(denoiser.fill(request), ({ predictions, cache }) =>
        Effect.map(expectWindowShape(predictions, expected), (checked) => advance(state, checked, request.window, cache)))
      : Effect.flatMap(denoiser.refine(request, state.cache!), (predictions) =>
        Effect.map(expectWindowShape(predictions, expected), (checked) => advance(state, checked, request.window)))
  )
}

const runDiffusion = (
  start: Effect.Effect<DiffusionState, InvalidParams>,
): Stream.Stream<GenerationEvent, InvalidParams | ModelError, Denoiser> =>
  Stream.unwrap(Effect.map(start, (initial) =>
    generationStream(initial, {
      result: diffusionResult,
      step: initial.plan.params.cache === "none" ? plainStep : cachedStep,
    })))

/**
 * Masked-diffusion generation (LLaDA's sampler, with Fast-dLLM's threshold/factor decoding and
 * block KV caches): one Frame per denoising step, one model call each, then Done. With
 * `cache: "none"` only `Denoiser.denoise` is called; with `prefix`/`dual` only its `cached` capability. `params`
 * are decoded already (the type is branded) and are not checked again; an invalid prompt fails the
 * stream before any model call.
 */
export const diffusionGenerate = (
  promptIds: Int32Array,
  params: DiffusionParams,
  ids: TokenIds,
): Stream.Stream<GenerationEvent, InvalidParams | ModelError, Denoiser> =>
  runDiffusion(startDiffusion(promptIds, params, ids))

/**
 * Diffusion over a canvas template (infilling): the sampler of `diffusionGenerate`, filling the
 * template's masked positions (`genLength` of them) and never changing its fixed spans. Frames
 * carry the whole canvas; the result's tokens are the generated positions in canvas order.
 * `diffusionGenerate(prompt, …)` is this with the template prompt + one gap, bit for bit.
 */
export const diffusionInfill = (
  template: CanvasTemplate,
  params: DiffusionParams,
  ids: TokenIds,
): Stream.Stream<GenerationEvent, InvalidParams | ModelError, Denoiser> =>
  runDiffusion(startTemplateDiffusion(template, params, ids))
