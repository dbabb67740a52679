// The subset of autocannon 9's API that the load runner uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events"

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance

  namespace autocannon {
    interface RequestData {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string
    }

    interface Options {
      url: string
      connections?: number
      duration?: number
      /** Stop after this many responses (instead of after `duration`): none is cut off in flight. */
      amount?: number
      overallRate?: number
      method?: string
      timeout?: number
      requests?: Array<RequestData & { setupRequest?: (request: RequestData) => RequestData }>
    }

    interface Result {
      requests: { sent: number }
      /** Connection errors and timeouts. */
      errors: number
      /** Requests without an answer within `timeout`. */
      timeouts: number
      /** Seconds. */
      duration: number
    }

    interface Instance extends EventEmitter {
      on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this
    }
  }

  export default autocannon
}
