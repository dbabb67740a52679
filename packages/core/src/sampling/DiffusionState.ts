import { Effect } from "effect"
import type { DenoiserCache } from "../model/CachedDenoiser.js"
import type { LogitsBatch, TokenBatch } from "../model/Tensors.js"
import type { TokenIds } from "../model/TokenIds.js"
import type { Window, WindowPredictions } from "../model/WindowPredictions.js"
import { DiffusionParams } from "../params/DiffusionParams.js"
import { decodeParams } from "../params/decodeParams.js"
import type { InvalidParams } from "../params/InvalidParams.js"
import { makeRng, type Rng } from "../random/Rng.js"
import { numTransferTokens } from "../schedule/numTransferTokens.js"
import { classifierFreeGuidance } from "./classifierFreeGuidance.js"
import { type ForbiddenTokens, forbiddenTokensOf } from "./forbiddenTokens.js"
import type { FinishReason, Frame, GenerationResult } from "./GenerationEvent.js"
import { isGreedy } from "./isGreedy.js"
import { predictFromConfidence, predictPosition, type Prediction } from "./predictPosition.js"
import { type Candidate, type CommitRule, selectCommits } from "./selectCommits.js"
import { validatePrompt } from "./validatePrompt.js"

/** What stays fixed during one diffusion generation. */
export interface DiffusionPlan {
  readonly params: DiffusionParams
  readonly ids: TokenIds
  /** The mask and pad tokens: never committed. */
  readonly forbidden: ForbiddenTokens
  readonly promptLength: number
  readonly blockLength: number
  readonly blocks: number
  /** Tokens committed by each step of a block (unused with a threshold). */
  readonly schedule: ReadonlyArray<number>
}

/**
 * The diffusion sampler between two model calls. Immutable: `advance` returns a new state.
 * Every step is one model call (a full forward, or a cached one over a window), so
 * nfe = steps = committedPerStep.length.
 */
export interface DiffusionState {
  readonly plan: DiffusionPlan
  /** Prompt ++ genLength positions; masked ones hold the mask id. */
  readonly canvas: Int32Array
  readonly block: number
  readonly stepInBlock: number
  readonly committedPerStep: ReadonlyArray<number>
  readonly rng: Rng
  readonly finishReason: FinishReason | undefined
  /** With a KV cache: the cache filled at the start of `cachedBlock`. */
  readonly cache: DenoiserCache | undefined
  readonly cachedBlock: number
}

/** Validates the request and lays out the canvas: prompt followed by genLength mask tokens. */
export const startDiffusion = (
  promptIds: Int32Array,
  params: DiffusionParams,
  ids: TokenIds,
): Effect.Effect<DiffusionState, InvalidParams> =>
  Effect.gen(function*() {
    const valid = yield* decodeParams(DiffusionParams)(params)
    yield* validatePrompt(promptIds, ids)
    const blockLength = valid.blockLength ?? valid.genLength
    const blocks = valid.genLength / blockLength
    const canvas = new Int32Array(promptIds.length + valid.genLength).fill(ids.maskId)
    canvas.set(promptIds)
    return {
      plan: {
        params: valid,
        ids,
        forbidden: forbiddenTokensOf(ids),
        promptLength: promptIds.length,
        blockLength,
        blocks,
        schedule: numTransferTokens(blockLength, valid.steps / blocks),
      },
      canvas,
      block: 0,
      stepInBlock: 0,
      committedPerStep: [],
      rng: makeRng(valid.seed),
      finishReason: undefined,
      cache: undefined,
      cachedBlock: -1,
    }
  })

/**
 * The model input for the next step: the canvas, and with classifier-free guidance a second row,
 * the same canvas with the prompt masked. Position 0 stays as it is: it is the BOS anchor.
 */
export const denoiserInput = ({ plan, canvas }: DiffusionState): TokenBatch => {
  if (plan.params.cfgScale === 0) return { ids: canvas, batch: 1, length: canvas.length }
  const unconditional = canvas.slice()
  unconditional.fill(plan.ids.maskId, 1, plan.promptLength)
  const ids = new Int32Array(2 * canvas.length)
  ids.set(canvas)
  ids.set(unconditional, canvas.length)
  return { ids, batch: 2, length: canvas.length }
}

/** The logits of the window's row `index`: a view of the model's row, or the guided row with cfgScale > 0. */
const logitsAt = ({ data, length, vocab }: LogitsBatch, index: number, plan: DiffusionPlan): ArrayLike<number> => {
  const row = (batchRow: number) => data.subarray((batchRow * length + index) * vocab, (batchRow * length + index + 1) * vocab)
  return plan.params.cfgScale === 0 ? row(0) : classifierFreeGuidance(row(0), row(1), plan.params.cfgScale)
}

/** Predicts canvas position `position` from the window's predictions; the mask and pad tokens can never be chosen. */
const predict = (state: DiffusionState, predictions: WindowPredictions, window: Window, position: number, rng: Rng): Prediction => {
  const { params, ids, forbidden } = state.plan
  const index = position - window.start
  if (predictions._tag === "Confidence") {
    return predictFromConfidence(predictions.confidence, index, params.remasking, rng, { forbidden, fallback: ids.eosId })
  }
  return predictPosition(logitsAt(predictions.logits, index, state.plan), forbidden, params.remasking, params.temperature, rng)
}

const blockRange = (plan: DiffusionPlan, block: number): readonly [number, number] => {
  const start = plan.promptLength + block * plan.blockLength
  return [start, start + plan.blockLength]
}

/** The positions a cached step recomputes: the current block (dual cache) or the block and all right of it (prefix cache). */
export const cacheWindow = ({ plan, canvas, block }: DiffusionState): Window => {
  const [start, end] = blockRange(plan, block)
  return { start, end: plan.params.cache === "dual" ? end : canvas.length }
}

/** Whether the next cached step must refill the cache with a full forward (at every block start). */
export const needsFill = (state: DiffusionState): boolean => state.cache === undefined || state.cachedBlock !== state.block

/** The confidence summary is enough for greedy decoding without guidance; anything else needs full logits. */
export const predictionsWanted = ({ plan }: DiffusionState): "logits" | "confidence" =>
  isGreedy(plan.params.temperature) && plan.params.cfgScale === 0 ? "confidence" : "logits"

const commitRule = (state: DiffusionState): CommitRule => {
  const { threshold, factor } = state.plan.params
  if (threshold !== undefined) return { threshold }
  if (factor !== undefined) return { factor }
  return { count: state.plan.schedule[state.stepInBlock] ?? 0 }
}

/** Canvas index of the first end-of-text token in the generated part, if any. */
const firstEos = (plan: DiffusionPlan, canvas: Int32Array): number | undefined => {
  const eos = canvas.indexOf(plan.ids.eosId, plan.promptLength)
  return eos === -1 ? undefined : eos
}

const finishReasonOf = (plan: DiffusionPlan, canvas: Int32Array, block: number): FinishReason | undefined => {
  if (plan.params.stopAtEos) {
    const eos = firstEos(plan, canvas)
    if (eos !== undefined && !canvas.subarray(plan.promptLength, eos).includes(plan.ids.maskId)) return "eos"
  }
  return block === plan.blocks ? "length" : undefined
}

/**
 * One denoising step from the model's predictions for a window of the canvas (by default all of it,
 * as from `denoiserInput(state)`): predict every masked position of the current block (in position
 * order, so the random draws are reproducible), commit the scheduled number (or the threshold's or
 * factor's choice), and move on to the next block once this one is full. Positions right of the
 * current block never commit; committed positions never change. `cache` is the cache the
 * predictions were made with, kept for the next step of the same block.
 */
export const advance = (
  state: DiffusionState,
  predictions: WindowPredictions,
  window: Window = { start: 0, end: state.canvas.length },
  cache?: DenoiserCache,
): readonly [Frame, DiffusionState] => {
  const { plan } = state
  const rng = state.rng.clone()
  const [start, end] = blockRange(plan, state.block)
  const candidates: Array<Candidate> = []
  for (let position = start; position < end; position++) {
    if (state.canvas[position] !== plan.ids.maskId) continue
    candidates.push({ position, ...predict(state, predictions, window, position, rng) })
  }
  const chosen = selectCommits(candidates, commitRule(state))
  const canvas = state.canvas.slice()
  for (const { position, token } of chosen) canvas[position] = token
  const blockFull = !canvas.subarray(start, end).includes(plan.ids.maskId)
  const block = blockFull ? state.block + 1 : state.block
  const committedPerStep = [...state.committedPerStep, chosen.length]
  const frame: Frame = {
    step: state.committedPerStep.length,
    block: state.block,
    canvas: canvas.slice(),
    committed: chosen.map((c) => c.position).sort((a, b) => a - b),
    nfe: committedPerStep.length,
  }
  const next: DiffusionState = {
    plan,
    canvas,
    block,
    stepInBlock: blockFull ? 0 : state.stepInBlock + 1,
    committedPerStep,
    rng,
    finishReason: finishReasonOf(plan, canvas, block),
    cache: cache ?? state.cache,
    cachedBlock: cache === undefined ? state.cachedBlock : state.block,
  }
  return [frame, next]
}

/** The result of a finished generation (undefined while it is still running). */
export const diffusionResult = ({ plan, canvas, committedPerStep, finishReason }: DiffusionState): GenerationResult | undefined => {
  if (finishReason === undefined) return undefined
  const end = finishReason === "eos" ? firstEos(plan, canvas) ?? canvas.length : canvas.length
  return {
    tokens: Array.from(canvas.subarray(plan.promptLength, end)),
    nfe: committedPerStep.length,
    steps: committedPerStep.length,
    committedPerStep,
    finishReason,
  }
}
