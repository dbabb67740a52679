import { Effect, type Scope } from "effect"
import type { LoadedArModel, LoadedDiffusionModel, LoadedModel } from "../models/LoadedModel.js"

type ModelOfKind<Kind extends LoadedModel["kind"]> = Kind extends "diffusion" ? LoadedDiffusionModel : LoadedArModel

/**
 * A batcher for every loaded model of `kind`, by model name, so that calls of different models
 * never share an onnxruntime run; `make` answers `undefined` for a model it cannot serve.
 */
export const modelBatchers = <Kind extends LoadedModel["kind"], Batcher>(
  models: ReadonlyMap<string, LoadedModel>,
  kind: Kind,
  make: (model: ModelOfKind<Kind>) => Effect.Effect<Batcher | undefined, never, Scope.Scope>,
): Effect.Effect<ReadonlyMap<string, Batcher>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const batchers = new Map<string, Batcher>()
    for (const model of models.values()) {
      if (model.kind !== kind) continue
      const batcher = yield* make(model as ModelOfKind<Kind>)
      if (batcher !== undefined) batchers.set(model.name, batcher)
    }
    return batchers
  })

/** The batcher of `model`; a missing one is a defect, since requests are checked against the registry first. */
export const batcherOf = <Batcher>(batchers: ReadonlyMap<string, Batcher>, model: string): Effect.Effect<Batcher> =>
  Effect.suspend(() => {
    const batcher = batchers.get(model)
    return batcher === undefined ? Effect.die(new Error(`no batcher serves the model "${model}"`)) : Effect.succeed(batcher)
  })
