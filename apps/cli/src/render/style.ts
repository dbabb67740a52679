/** ANSI styling, or none (NO_COLOR, https://no-color.org). */
export interface Style {
  readonly color: boolean
  readonly dim: (text: string) => string
  readonly bold: (text: string) => string
  /** Tokens committed by the current step. */
  readonly fresh: (text: string) => string
}

const wrap = (open: string, close: string) => (text: string) => text === "" ? "" : `\u001b[${open}m${text}\u001b[${close}m`

export const makeStyle = (color: boolean): Style =>
  color
    ? { color, dim: wrap("2", "22"), bold: wrap("1", "22"), fresh: wrap("1;7", "22;27") }
    : { color, dim: (text) => text, bold: (text) => text, fresh: (text) => text }

/** Colours unless NO_COLOR is set to a non-empty value. */
export const colorWanted = (env: Readonly<Record<string, string | undefined>>): boolean =>
  env["NO_COLOR"] === undefined || env["NO_COLOR"] === ""

/** How a still-masked position is drawn. */
export const MASK_CHAR = "░"
