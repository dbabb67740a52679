import { formatEvent, type GenerateResponse, type StepFrame } from "@unmask/wire";
import type { RelayEnd, RelaySource } from "../forward/eventRelay.js";
import { settledPrefixText } from "../tokens/tokenizer.js";
import { type CompletionHeader, choice, completionUsage, finishReasonOf } from "./completionFormat.js";
import { StopSequenceFilter } from "./stopSequences.js";

const data = (value: unknown): string => formatEvent(null, JSON.stringify(value));

/** What the client asked of one choice's stream. */
export interface ChoiceStreamOptions {
  index: number;
  stops: readonly string[];
  /** `echo`: the prompt, sent ahead of the choice's first text; "" without echo. */
  echoed: string;
  includeUsage: boolean;
}

/**
 * Turns one choice's denoising frames into OpenAI completion chunks carrying its `index`. A
 * diffusion canvas fills in any order, so only its settled prefix (the tokens before the first
 * mask) is text a client can append; each chunk carries what that prefix grew by, cut at a stop
 * sequence. The `done` answer completes the text with the choice's finish reason.
 */
export const choiceStream = (
  header: CompletionHeader,
  options: ChoiceStreamOptions,
  onEnd: (end: RelayEnd) => void,
): Pick<RelaySource, "onStep" | "onEnd"> => {
  const stopFilter = new StopSequenceFilter(options.stops);
  let settledText = "";
  let unsentEcho = options.echoed;
  const usageField = options.includeUsage ? { usage: null } : {};
  const growth = (text: string): string => {
    if (!text.startsWith(settledText)) return "";
    const grown = text.slice(settledText.length);
    settledText = text;
    return stopFilter.push(grown);
  };
  const chunk = (text: string, finishReason: ReturnType<typeof finishReasonOf> | null): string => {
    const withEcho = unsentEcho + text;
    unsentEcho = "";
    return data({ ...header, choices: [choice(withEcho, finishReason, options.index)], ...usageField });
  };
  return {
    onStep(frame: StepFrame, send) {
      const text = growth(settledPrefixText(frame.tokens));
      if (text.length > 0 || unsentEcho.length > 0) send(chunk(text, null));
    },
    onEnd(end, send) {
      onEnd(end);
      if (end.kind !== "done") return;
      const text = growth(end.response.text) + stopFilter.flush();
      send(chunk(text, finishReasonOf(end.response, stopFilter.stopped)));
    },
  };
};

/**
 * The end of a completion stream, once every choice has ended: the first failure as an error
 * event (never a silently missing choice), nothing for a client that went away, otherwise the
 * usage chunk summed over all choices when asked for, then `data: [DONE]`.
 */
export const completionStreamEnd = (header: CompletionHeader, includeUsage: boolean) =>
  (ends: readonly RelayEnd[], send: (text: string) => void): void => {
    const failure = ends.find((end) => end.kind === "failed");
    if (failure !== undefined) {
      send(data(failure.error.toBody()));
      return;
    }
    const answers: GenerateResponse[] = ends.flatMap((end) => (end.kind === "done" ? [end.response] : []));
    if (answers.length < ends.length) return;
    if (includeUsage) send(data({ ...header, choices: [], usage: completionUsage(answers) }));
    send(formatEvent(null, "[DONE]"));
  };
