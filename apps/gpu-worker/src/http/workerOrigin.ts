import { Effect } from "effect"
import { InvalidConfig } from "../config/InvalidConfig.js"

/**
 * WORKER_ORIGIN: the origin the edge reaches this worker at (its entry in the edge's
 * WORKER_ORIGINS), which every signature is bound to. Unset: `http://127.0.0.1:<port>`, what
 * `npm start` configures the edge with.
 */
export const parseWorkerOrigin = (raw: string | undefined): Effect.Effect<string | undefined, InvalidConfig> =>
  Effect.suspend(() => {
    const value = raw?.trim()
    if (value === undefined || value === "") return Effect.succeed(undefined)
    const invalid = (why: string) =>
      Effect.fail(new InvalidConfig({ variable: "WORKER_ORIGIN", message: `WORKER_ORIGIN must be an http(s) origin such as https://gpu-1.example.com:8788, got "${value}" (${why})` }))
    let url: URL
    try {
      url = new URL(value)
    } catch {
      return invalid("not a URL")
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return invalid("not http or https")
    if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") return invalid("an origin has no path, query or credentials")
    return Effect.succeed(url.origin)
  })

/** The default origin for a request that arrived on `port`. */
export const loopbackOrigin = (port: number): string => `http://127.0.0.1:${port}`
