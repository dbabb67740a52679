import { Effect } from "effect"
import type { DenoiserCache } from "../model/CachedDenoiser.js"
import type { LogitsBatch, TokenBatch } from "../model/Tensors.js"
import type { TokenIds } from "../model/TokenIds.js"
import type { Window, WindowPredictions } from "../model/WindowPredictions.js"
import type { DiffusionParams } from "../params/DiffusionParams.js"
import { InvalidParams } from "../params/InvalidParams.js"
import { makeRng, type Rng } from "../random/Rng.js"
import { numTransferTokens } from "../schedule/numTransferTokens.js"
import { classifierFreeGuidance } from "./classifierFreeGuidance.js"
import { type ForbiddenTokens, forbiddenTokensOf } from "./forbiddenTokens.js"
import type { FinishReason, Frame, GenerationResult, TokenLogprob } from "./GenerationEvent.js"
import { type CanvasTemplate, layOutTemplate, maskedCount, promptTemplate } from "./CanvasTemplate.js"
import { isGreedy } from "./isGreedy.js"
import { predictFromConfidence, predictPosition, type Prediction } from "./predictPosition.js"
import { type Candidate, type CommitRule, selectCommits } from "./selectCommits.js"
import { tokenLogprob } from "./tokenLogprob.js"
import { validatePrompt } from "./validatePrompt.js"

/**
 * What stays fixed during one diffusion generation. Blocks are laid over the masked positions in
 * canvas order: block b is the masked positions with index [b·blockLength, (b + 1)·blockLength) in
 * `maskedPositions`, so one block may end in one gap and go on in the next; fixed positions belong
 * to no block. With a plain prompt (one gap at the end) this is the usual semi-autoregressive layout.
 */
export interface DiffusionPlan {
  readonly params: DiffusionParams
  readonly ids: TokenIds
  /** The mask and pad tokens: never committed. */
  readonly forbidden: ForbiddenTokens
  /** Canvas positions of the masked spans, ascending: the generated positions. */
  readonly maskedPositions: Int32Array
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
  /** The template's fixed spans and its genLength masked positions; still masked ones hold the mask id. */
  readonly canvas: Int32Array
  readonly block: number
  readonly stepInBlock: number
  readonly committedPerStep: ReadonlyArray<number>
  readonly rng: Rng
  readonly finishReason: FinishReason | undefined
  /** With a KV cache: the cache filled at the start of `cachedBlock`. */
  readonly cache: DenoiserCache | undefined
  readonly cachedBlock: number
  /** With `params.logprobs`: each committed canvas position's score, taken at the step that committed it. */
  readonly logprobs: ReadonlyMap<number, TokenLogprob> | undefined
}

/**
 * Lays out the canvas from a template: fixed spans in place, mask tokens at its masked positions,
 * whose number must be `genLength`. The params are decoded already (branded): not checked again.
 */
export const startTemplateDiffusion = (
  template: CanvasTemplate,
  params: DiffusionParams,
  ids: TokenIds,
): Effect.Effect<DiffusionState, InvalidParams> =>
  Effect.gen(function*() {
    const { canvas, maskedPositions } = yield* layOutTemplate(template, ids)
    if (maskedPositions.length !== params.genLength) {
      return yield* new InvalidParams({
        field: "genLength",
        message: `genLength (${params.genLength}) must equal the template's masked positions (${maskedCount(template)})`,
      })
    }
    const blockLength = params.blockLength ?? params.genLength
    const blocks = params.genLength / blockLength
    return {
      plan: {
        params,
        ids,
        forbidden: forbiddenTokensOf(ids),
        maskedPositions,
        blockLength,
        blocks,
        schedule: numTransferTokens(blockLength, params.steps / blocks),
      },
      canvas,
      block: 0,
      stepInBlock: 0,
      committedPerStep: [],
      rng: makeRng(params.seed),
      finishReason: undefined,
      cache: undefined,
      cachedBlock: -1,
      logprobs: params.logprobs === undefined ? undefined : new Map(),
    }
  })

/** Checks the prompt and lays out the canvas: prompt followed by genLength mask tokens. */
export const startDiffusion = (
  promptIds: Int32Array,
  params: DiffusionParams,
  ids: TokenIds,
): Effect.Effect<DiffusionState, InvalidParams> =>
  Effect.gen(function*() {
    yield* validatePrompt(promptIds, ids)
    return yield* startTemplateDiffusion(promptTemplate(promptIds, params.genLength), params, ids)
  })

/**
 * The model input for the next step: the canvas, and with classifier-free guidance a second row,
 * the same canvas with every fixed position masked (the prompt, a suffix). Position 0 stays as it
 * is: it is the BOS anchor.
 */
export const denoiserInput = ({ plan, canvas }: DiffusionState): TokenBatch => {
  if (plan.params.cfgScale === 0) return { ids: canvas, batch: 1, length: canvas.length }
  const unconditional = new Int32Array(canvas.length).fill(plan.ids.maskId)
  unconditional[0] = canvas[0]!
  for (const position of plan.maskedPositions) unconditional[position] = canvas[position]!
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

/** The canvas positions of a block: a slice of the masked positions. */
const blockPositions = (plan: DiffusionPlan, block: number): Int32Array =>
  plan.maskedPositions.subarray(block * plan.blockLength, (block + 1) * plan.blockLength)

/**
 * The positions a cached step recomputes: from the block's first position to its last (dual
 * cache; fixed positions between two gaps included) or to the end of the canvas (prefix cache).
 */
export const cacheWindow = ({ plan, canvas, block }: DiffusionState): Window => {
  const positions = blockPositions(plan, block)
  return { start: positions[0]!, end: plan.params.cache === "dual" ? positions[positions.length - 1]! + 1 : canvas.length }
}

/** Whether the next cached step must refill the cache with a full forward (at every block start). */
export const needsFill = (state: DiffusionState): boolean => state.cache === undefined || state.cachedBlock !== state.block

/**
 * The confidence summary is enough for greedy decoding without guidance; anything else needs full
 * logits, and so does scoring the committed tokens (`logprobs`).
 */
export const predictionsWanted = ({ plan }: DiffusionState): "logits" | "confidence" =>
  isGreedy(plan.params.temperature) && plan.params.cfgScale === 0 && plan.params.logprobs === undefined ? "confidence" : "logits"

const commitRule = (state: DiffusionState): CommitRule => {
  const { threshold, factor } = state.plan.params
  if (threshold !== undefined) return { threshold }
  if (factor !== undefined) return { factor }
  return { count: state.plan.schedule[state.stepInBlock] ?? 0 }
}

/** Index, among the generated (masked) positions, of the first end-of-text token, if any. */
const firstEos = ({ maskedPositions, ids }: DiffusionPlan, canvas: Int32Array): number | undefined => {
  const eos = maskedPositions.findIndex((position) => canvas[position] === ids.eosId)
  return eos === -1 ? undefined : eos
}

const finishReasonOf = (plan: DiffusionPlan, canvas: Int32Array, block: number): FinishReason | undefined => {
  if (plan.params.stopAtEos) {
    const eos = firstEos(plan, canvas)
    if (eos !== undefined && !plan.maskedPositions.subarray(0, eos).some((position) => canvas[position] === plan.ids.maskId)) {
      return "eos"
    }
  }
  return block === plan.blocks ? "length" : undefined
}

/**
 * The scores so far plus this step's commits, each under the distribution its position was
 * predicted from (the guided logits with cfgScale > 0, mask and pad excluded, temperature 1).
 */
const withCommitScores = (
  state: DiffusionState,
  scores: ReadonlyMap<number, TokenLogprob>,
  predictions: WindowPredictions,
  window: Window,
  chosen: ReadonlyArray<Candidate>,
): ReadonlyMap<number, TokenLogprob> => {
  if (predictions._tag !== "Logits") throw new Error("logprobs need the full logits, but the step got a confidence summary")
  const { plan } = state
  const next = new Map(scores)
  for (const { position, token } of chosen) {
    const logits = logitsAt(predictions.logits, position - window.start, plan)
    next.set(position, tokenLogprob(logits, token, plan.params.logprobs ?? 0, plan.forbidden))
  }
  return next
}

/**
 * One denoising step from the model's predictions for a window of the canvas (by default all of it,
 * as from `denoiserInput(state)`): predict every masked position of the current block (in position
 * order, so the random draws are reproducible), commit the scheduled number (or the threshold's or
 * factor's choice), and move on to the next block once this one is full. Positions of later blocks
 * never commit; committed and fixed positions never change. `cache` is the cache the predictions
 * were made with, kept for the next step of the same block. With `logprobs` the committed tokens
 * are scored (this needs logits predictions, see `predictionsWanted`).
 */
export const advance = (
  state: DiffusionState,
  predictions: WindowPredictions,
  window: Window = { start: 0, end: state.canvas.length },
  cache?: DenoiserCache,
): readonly [Frame, DiffusionState] => {
  const { plan } = state
  const rng = state.rng.clone()
  const positions = blockPositions(plan, state.block)
  const candidates: Array<Candidate> = []
  for (const position of positions) {
    if (state.canvas[position] !== plan.ids.maskId) continue
    candidates.push({ position, ...predict(state, predictions, window, position, rng) })
  }
  const chosen = selectCommits(candidates, commitRule(state))
  const canvas = state.canvas.slice()
  for (const { position, token } of chosen) canvas[position] = token
  const blockFull = positions.every((position) => canvas[position] !== plan.ids.maskId)
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
    logprobs: state.logprobs === undefined ? undefined : withCommitScores(state, state.logprobs, predictions, window, chosen),
  }
  return [frame, next]
}

/** The result of a finished generation (undefined while it is still running); tokens are the generated positions in canvas order. */
export const diffusionResult = ({ plan, canvas, committedPerStep, finishReason, logprobs }: DiffusionState): GenerationResult | undefined => {
  if (finishReason === undefined) return undefined
  const generated = plan.maskedPositions.subarray(0, finishReason === "eos" ? firstEos(plan, canvas) ?? plan.maskedPositions.length : undefined)
  return {
    tokens: Array.from(generated, (position) => canvas[position]!),
    nfe: committedPerStep.length,
    steps: committedPerStep.length,
    committedPerStep,
    finishReason,
    // Every generated position before the end was committed by some step, so it has a score.
    ...(logprobs === undefined ? {} : { logprobs: Array.from(generated, (position) => logprobs.get(position)!) }),
  }
}
