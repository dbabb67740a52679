import { startWorker } from "./startWorker.js"

try {
  const worker = await startWorker()
  const shutdown = (signal: string) => {
    console.log(`${signal}: shutting down`)
    worker.close().then(() => process.exit(0), (error: unknown) => {
      console.error(error)
      process.exit(1)
    })
  }
  process.once("SIGTERM", () => shutdown("SIGTERM"))
  process.once("SIGINT", () => shutdown("SIGINT"))
} catch (error) {
  console.error(`gpu-worker failed to start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
