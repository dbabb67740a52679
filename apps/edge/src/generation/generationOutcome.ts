import type { GenerateResponse } from "@unmask/wire";
import type { GenerationProgress } from "../forward/GenerationProgress.js";
import type { RelayEnd } from "../forward/workerEvents.js";
import type { GenerationOutcome } from "../limits/admissionPolicy.js";

/** Nothing reached a worker's model: the request is counted, nothing is charged. */
export const NOTHING_COMPUTED: GenerationOutcome = { usage: null, chargedTokens: 0 };

/** A finished generation: the worker's measured use. */
export const measuredOutcome = ({ usage }: GenerateResponse): GenerationOutcome => ({
  usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, nfe: usage.nfe },
  chargedTokens: usage.promptTokens + usage.completionTokens,
});

/**
 * What a generation that a worker started is recorded and charged as (apps/edge/README.md,
 * "What is charged"). It is recorded with what the worker computed: NFE and the positions it
 * committed, from its step frames. It is charged the prompt plus those positions when it finished
 * (measured), when the client went away or when a streaming client saw it fail (the steps it was
 * sent); a non-streaming client whose answer the pool failed (or that missed the deadline) got
 * nothing, so pays nothing, but the computation is still in the books.
 */
export const generationOutcome = (end: RelayEnd, computed: GenerationProgress, promptTokens: number, clientStreams: boolean): GenerationOutcome => {
  if (end.kind === "done") return measuredOutcome(end.response);
  if (computed.nfe === 0) return NOTHING_COMPUTED;
  const usage = { promptTokens, completionTokens: computed.positions, nfe: computed.nfe };
  const delivered = end.kind === "cancelled" || clientStreams;
  return { usage, chargedTokens: delivered ? promptTokens + computed.positions : 0 };
};

/** The outcome of several generations admitted together: usage and charges add up (no usage when none reported any). */
export const summedOutcome = (outcomes: readonly GenerationOutcome[]): GenerationOutcome => {
  const reported = outcomes.flatMap(({ usage }) => (usage === null ? [] : [usage]));
  return {
    usage: reported.length === 0 ? null : {
      promptTokens: reported.reduce((sum, usage) => sum + usage.promptTokens, 0),
      completionTokens: reported.reduce((sum, usage) => sum + usage.completionTokens, 0),
      nfe: reported.reduce((sum, usage) => sum + usage.nfe, 0),
    },
    chargedTokens: outcomes.reduce((sum, outcome) => sum + outcome.chargedTokens, 0),
  };
};
