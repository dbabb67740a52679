import WebSocket from "ws"

/** wrangler dev's inspector (Chrome DevTools Protocol) for the edge's isolate. */
export const DEFAULT_EDGE_INSPECTOR_URL = "ws://127.0.0.1:9229/ws"

/** The JS heap the edge's code holds on to: used size right after a full garbage collection. */
export interface EdgeHeapProbe {
  readonly usedMbAfterGc: () => Promise<number>
  readonly close: () => void
}

interface Reply {
  readonly id?: number
  readonly result?: { readonly usedSize?: number }
}

/**
 * Connects to the isolate's inspector. workerd ignores `HeapProfiler.collectGarbage`, so the probe takes
 * a heap snapshot (a full GC first, about 1 s and 7 MB for the edge) and discards it. wrangler's proxy
 * shares the socket with its own calls and other clients': ids start at a random offset.
 */
export const connectEdgeHeapProbe = (url: string): Promise<EdgeHeapProbe> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const waiting = new Map<number, (reply: Reply) => void>()
    let nextId = 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000)
    const call = (method: string) =>
      new Promise<Reply>((answer) => {
        const id = nextId++
        waiting.set(id, answer)
        socket.send(JSON.stringify({ id, method, params: {} }))
      })
    socket.on("message", (data) => {
      const reply = JSON.parse(data.toString()) as Reply
      if (reply.id === undefined) return
      waiting.get(reply.id)?.(reply)
      waiting.delete(reply.id)
    })
    socket.on("error", reject)
    socket.on("close", () => {
      for (const answer of waiting.values()) answer({})
      waiting.clear()
    })
    socket.on("open", () =>
      resolve({
        usedMbAfterGc: async () => {
          await call("HeapProfiler.takeHeapSnapshot")
          const usedSize = (await call("Runtime.getHeapUsage")).result?.usedSize
          return usedSize === undefined ? Number.NaN : usedSize / (1024 * 1024)
        },
        close: () => socket.close(),
      }))
  })
