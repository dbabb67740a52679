import { readFileSync } from "node:fs"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningWorker, startWorker } from "../src/index.js"
import { json, startTestWorker } from "./support/workerHarness.js"

/**
 * What the worker exposes and to whom: it listens on loopback unless HOST says otherwise, its
 * `/readyz` and `/metrics` answer only PROBE_ALLOW_FROM peers, and slow or idle clients lose their
 * sockets at the server's deadlines. All over real sockets on 127.0.0.1.
 */

const portOf = (worker: RunningWorker) => Number(new URL(worker.url).port)

/** The local addresses of the kernel's listening TCP sockets on `port` (/proc/net/tcp{,6}, hex). */
const listeningAddresses = (port: number): Array<string> => {
  const rows = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) => readFileSync(file, "utf8").trim().split("\n").slice(1))
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields[3] === "0A" && parseInt(fields[1]!.split(":")[1]!, 16) === port)
    .map((fields) => fields[1]!.split(":")[0]!)
}

/** Writes `bytes` on a raw connection, then stays silent; resolves when the server closes it. */
const stallAfter = (port: number, bytes: string) =>
  new Promise<{ closedAfterMs: number; received: string }>((resolve, reject) => {
    const started = Date.now()
    let received = ""
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes))
    socket.setEncoding("utf8")
    socket.on("data", (chunk: string) => { received += chunk })
    socket.on("error", reject)
    socket.on("close", () => resolve({ closedAfterMs: Date.now() - started, received }))
  })

const secret = "exposure-test-secret-0123456789"

describe("listening address", () => {
  let worker: RunningWorker
  beforeAll(async () => {
    worker = await startWorker({ env: { PORT: "0", EDGE_SHARED_SECRET: secret } }) // no HOST
  })
  afterAll(() => worker?.close())

  it("is loopback by default, not every interface", () => {
    expect(worker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(listeningAddresses(portOf(worker))).toEqual(["0100007F"]) // 127.0.0.1, and no 0.0.0.0 / ::
  })

  it("serves the probes to a loopback peer", async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200)
    const metrics = await fetch(`${worker.url}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain("unmask_requests_total")
  })
})

describe("probes outside PROBE_ALLOW_FROM", () => {
  let worker: RunningWorker
  beforeAll(async () => {
    // Only a documentation subnet (RFC 5737) may read them: this test's loopback requests may not.
    worker = await startTestWorker({ PROBE_ALLOW_FROM: "192.0.2.0/24" })
  })
  afterAll(() => worker?.close())

  it.each(["/readyz", "/metrics"])("%s is 403 forbidden, as JSON", async (path) => {
    const response = await fetch(`${worker.url}${path}`)
    expect(response.status).toBe(403)
    const body = await json(response)
    expect(body.error.code).toBe("forbidden")
    expect(body.error.message).toContain("PROBE_ALLOW_FROM")
  })

  it("keeps /healthz public (it tells nothing but that the process answers)", async () => {
    expect(await json(await fetch(`${worker.url}/healthz`))).toEqual({ status: "ok" })
  })
})

describe("server deadlines for slow and idle clients", () => {
  let worker: RunningWorker
  beforeAll(async () => {
    worker = await startTestWorker({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "1000", KEEP_ALIVE_TIMEOUT_MS: "500" })
  })
  afterAll(() => worker?.close())

  // Each deadline plus Node's 1 s check interval, with room for a busy machine; Node's defaults
  // (60 s headers, 300 s request) would hold these sockets far longer.
  const CLOSED_WITHIN_MS = 5_000

  it("closes a connection whose headers never finish (slowloris) with 408", async () => {
    const { closedAfterMs, received } = await stallAfter(portOf(worker), "POST /v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    expect(received).toMatch(/^HTTP\/1\.1 408/)
    expect(closedAfterMs).toBeLessThan(CLOSED_WITHIN_MS)
  })

  it("closes a connection whose body never finishes with 408", async () => {
    const head = "POST /v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    const { closedAfterMs, received } = await stallAfter(portOf(worker), `${head}{"prompt":`)
    expect(received).toMatch(/^HTTP\/1\.1 408/)
    expect(closedAfterMs).toBeLessThan(CLOSED_WITHIN_MS)
  })

  it("closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS", async () => {
    const { closedAfterMs, received } = await stallAfter(portOf(worker), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    expect(closedAfterMs).toBeLessThan(CLOSED_WITHIN_MS)
  }, 20_000)
})
