import type { StepFrame } from "../client.js"
import type { CliOptions, GenerationMode } from "../options.js"
import { type Plan, stepOfPlan, suffixOfRun } from "../request.js"
import type { RunResult } from "../runResult.js"
import type { Vocabulary } from "../tokenPieces.js"
import { canvasSegments, renderSegments } from "./canvas.js"
import type { Output, RunView } from "./RunView.js"
import { MASK_CHAR, type Style } from "./style.js"
import { prettySummary } from "./summary.js"

export const HIDE_CURSOR = "\u001b[?25l"
export const SHOW_CURSOR = "\u001b[?25h"

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g

/** Characters a terminal shows for `text` (ANSI sequences removed; one column per code point). */
export const visibleLength = (text: string): number => [...text.replace(ANSI, "")].length

/** Terminal rows `text` occupies at `columns` columns, wrapping included. */
export const rowsOf = (text: string, columns: number): number =>
  text.split("\n").reduce((rows, line) => rows + Math.max(1, Math.ceil(visibleLength(line) / Math.max(1, columns))), 0)

/**
 * Replaces what the previous frame drew (`previousRows` rows, cursor on its last row) with
 * `content`: back to column 0, up to the frame's first row, clear to the end of the screen, draw.
 */
export const redraw = (previousRows: number, content: string): string => {
  const up = previousRows > 1 ? `\u001b[${previousRows - 1}A` : ""
  return `${previousRows > 0 ? `\r${up}\u001b[J` : ""}${content}`
}

export interface Progress {
  readonly mode: GenerationMode
  readonly step: number
  readonly plan: Plan
  readonly block: number
  readonly nfe: number
  /** Tokens on the canvas (not masks). */
  readonly tokens: number
  readonly elapsedMs: number
}

/** `step 12/32 · block 1/2 · NFE 12 · 35.2 tokens/s · 1.4 s` (AR: no block). */
export const progressLine = (progress: Progress): string => {
  const seconds = progress.elapsedMs / 1000
  const rate = seconds > 0 ? progress.tokens / seconds : 0
  return [
    `${progress.mode} step ${stepOfPlan(progress.step, progress.plan)}`,
    ...(progress.mode === "diffusion" ? [`block ${progress.block + 1}/${progress.plan.blocks}`] : []),
    `NFE ${progress.nfe}`,
    `${rate.toFixed(1)} tokens/s`,
    `${seconds.toFixed(1)} s`,
  ].join(" · ")
}

/** A whole frame: the prompt (bold), the canvas, the suffix when infilling (bold too: fixed text), and a dim status line under it. */
export const frame = (prompt: string, canvas: string, status: string, style: Style, suffix = ""): string =>
  `${style.bold(prompt)}${canvas}${suffix === "" ? "" : style.bold(suffix)}\n${style.dim(status)}`

/** The live view: the frame redrawn in place at every step. */
export const ttyView = (
  out: Output & { readonly columns: () => number },
  prompt: string,
  style: Style,
  vocabulary: Vocabulary | undefined,
  options: { readonly headers: boolean } & Pick<CliOptions, "suffix">,
): RunView => {
  let rows = 0
  let ending = ""
  let cursorHidden = false
  let mode: GenerationMode = "diffusion"
  let plan: Plan = { length: 0, steps: 0, dynamic: false, blocks: 1 }
  let canvas = ""
  let committed = 0
  const draw = (content: string) => {
    out.write(redraw(rows, content))
    rows = rowsOf(content, out.columns())
  }
  const release = () => {
    if (cursorHidden) out.write(SHOW_CURSOR)
    cursorHidden = false
    rows = 0
  }
  return {
    begin: (nextMode, nextPlan) => {
      mode = nextMode
      plan = nextPlan
      ending = suffixOfRun(options, mode) ?? ""
      if (options.headers) out.write(`${style.bold(`== ${mode} ==`)}\n`)
      out.write(HIDE_CURSOR)
      cursorHidden = true
      committed = 0
      canvas = mode === "diffusion" ? style.dim(MASK_CHAR.repeat(plan.length)) : ""
      draw(frame(prompt, canvas, `${mode} · waiting for the first step…`, style, ending))
    },
    step: (step: StepFrame, elapsedMs: number) => {
      const segments = canvasSegments(step, vocabulary)
      canvas = renderSegments(segments, style)
      committed += step.committed.length
      draw(frame(prompt, canvas, progressLine({
        mode,
        step: step.step + 1,
        plan,
        block: step.block,
        nfe: step.nfe,
        tokens: committed,
        elapsedMs,
      }), style, ending))
    },
    done: (result: RunResult) => {
      draw(frame(prompt, result.response.text, prettySummary(result), style, ending))
      out.write("\n")
      release()
    },
    abort: () => {
      if (rows > 0) out.write("\n")
      release()
    },
  }
}
