// The subset of ws 8's API that the soak's heap probe uses (@types/ws is not installed).
declare module "ws" {
  export default class WebSocket {
    constructor(url: string)
    on(event: "open", listener: () => void): this
    on(event: "message", listener: (data: Buffer) => void): this
    on(event: "error", listener: (error: Error) => void): this
    on(event: "close", listener: () => void): this
    send(data: string): void
    close(): void
  }
}
