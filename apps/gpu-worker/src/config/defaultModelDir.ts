import { fileURLToPath } from "node:url"

/** The repository's `models/`, resolved from this package (src/ or dist/), not from the cwd. */
export const defaultModelDir: string = fileURLToPath(new URL("../../../../models", import.meta.url))
