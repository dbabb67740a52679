import { formatEvent, type StepFrame } from "@unmask/wire";
import type { RelayEnd, RelayTranslation } from "../forward/event-relay.js";
import { settledPrefixText } from "../tokens/tokenizer.js";
import { type CompletionHeader, choice, completionUsage, finishReasonOf } from "./completion-format.js";
import { StopSequenceFilter } from "./stop-sequences.js";

const data = (value: unknown): string => formatEvent(null, JSON.stringify(value));

/**
 * Turns denoising frames into OpenAI completion chunks. A diffusion canvas fills in any order, so
 * only its settled prefix (the tokens before the first mask) is text a client can append; each
 * chunk carries what that prefix grew by, cut at a stop sequence. The `done` answer completes the
 * text, then comes the usage chunk when asked for, then `data: [DONE]`.
 */
export const completionStream = (
  header: CompletionHeader,
  options: { stops: readonly string[]; includeUsage: boolean; onEnd: (end: RelayEnd) => void },
): RelayTranslation => {
  const stopFilter = new StopSequenceFilter(options.stops);
  let settledText = "";
  const usageField = options.includeUsage ? { usage: null } : {};
  const growth = (text: string): string => {
    if (!text.startsWith(settledText)) return "";
    const grown = text.slice(settledText.length);
    settledText = text;
    return stopFilter.push(grown);
  };
  return {
    onStep(frame: StepFrame, send) {
      const text = growth(settledPrefixText(frame.tokens));
      if (text.length > 0) send(data({ ...header, choices: [choice(text, null)], ...usageField }));
    },
    onEnd(end, send) {
      options.onEnd(end);
      if (end.kind === "cancelled") return;
      if (end.kind === "failed") {
        send(data(end.error.toBody()));
        return;
      }
      const text = growth(end.response.text) + stopFilter.flush();
      send(data({ ...header, choices: [choice(text, finishReasonOf(end.response, stopFilter.stopped))], ...usageField }));
      if (options.includeUsage) send(data({ ...header, choices: [], usage: completionUsage(end.response) }));
      send(formatEvent(null, "[DONE]"));
    },
  };
};
