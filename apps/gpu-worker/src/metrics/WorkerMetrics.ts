import { Context, Layer } from "effect"
import { Counter, Gauge, Histogram, PrometheusRegistry } from "./PrometheusRegistry.js"

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const COUNTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

const makeWorkerMetrics = () => {
  const registry = new PrometheusRegistry()
  return {
    render: () => registry.render(),
    requests: registry.register(
      new Counter("unmask_requests_total", "Generation requests by mode, model and HTTP status (499 = client went away)."),
    ),
    queueSeconds: registry.register(
      new Histogram("unmask_queue_seconds", "Time a generation waited for a free slot.", SECONDS),
    ),
    firstFrameSeconds: registry.register(
      new Histogram("unmask_time_to_first_frame_seconds", "Time from request to its first step frame.", SECONDS),
    ),
    totalSeconds: registry.register(
      new Histogram("unmask_request_duration_seconds", "Time from request to its last byte.", SECONDS),
    ),
    nfe: registry.register(
      new Histogram("unmask_generation_nfe", "Network function evaluations per finished generation.", COUNTS),
    ),
    committedPerStep: registry.register(
      new Histogram("unmask_committed_tokens_per_step", "Tokens committed by each sampling step.", COUNTS),
    ),
    modelCalls: registry.register(
      new Counter("unmask_model_calls_total", "onnxruntime runs by graph and model (one batched run counts once)."),
    ),
    modelSeconds: registry.register(
      new Histogram("unmask_model_call_seconds", "Duration of one onnxruntime run by graph and model.", SECONDS),
    ),
    batchSize: registry.register(
      new Histogram("unmask_batch_size", "Generations merged into one onnxruntime run, by graph and model.", COUNTS),
    ),
    inFlight: registry.register(new Gauge("unmask_in_flight_requests", "Generations holding a slot.")),
    queued: registry.register(new Gauge("unmask_queued_requests", "Generations waiting for a slot.")),
  }
}

/** The worker's Prometheus families; `/metrics` renders them. */
export class WorkerMetrics extends Context.Service<WorkerMetrics, ReturnType<typeof makeWorkerMetrics>>()(
  "@unmask/gpu-worker/WorkerMetrics",
) {}

export const WorkerMetricsLive = Layer.sync(WorkerMetrics, makeWorkerMetrics)
