import { Effect, Stream } from "effect"
import { Denoiser } from "../model/Denoiser.js"
import { expectLogitsShape } from "../model/expectLogitsShape.js"
import type { ModelError } from "../model/ModelError.js"
import type { TokenIds } from "../model/TokenIds.js"
import type { DiffusionParams } from "../params/DiffusionParams.js"
import type { InvalidParams } from "../params/InvalidParams.js"
import { advance, denoiserInput, diffusionResult, startDiffusion } from "./DiffusionState.js"
import type { GenerationEvent } from "./GenerationEvent.js"
import { generationStream } from "./generationStream.js"

/**
 * Masked-diffusion generation (LLaDA's sampler, with Fast-dLLM's threshold decoding): one Frame per
 * denoising step, one model call each, then Done. Invalid parameters fail the stream before any
 * model call.
 */
export const diffusionGenerate = (
  promptIds: Int32Array,
  params: DiffusionParams,
  ids: TokenIds,
): Stream.Stream<GenerationEvent, InvalidParams | ModelError, Denoiser> =>
  Stream.unwrap(Effect.map(startDiffusion(promptIds, params, ids), (initial) =>
    generationStream(initial, {
      result: diffusionResult,
      step: (state) => {
        const input = denoiserInput(state)
        return Denoiser.use((denoiser) => denoiser.denoise(input)).pipe(
          Effect.flatMap((logits) =>
            expectLogitsShape(logits, { batch: input.batch, length: input.length, vocab: ids.vocabSize })
          ),
          Effect.map((logits) => advance(state, logits)),
        )
      },
    })))
