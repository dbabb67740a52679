export { canonicalRequest, type CanonicalParts, SIGNATURE_SCHEME } from "./canonicalRequest.js"
export { decodeErrorBody, ErrorBody } from "./ErrorBody.js"
export { ErrorCode } from "./ErrorCode.js"
export { GenerateRequest } from "./GenerateRequest.js"
export { FinishReason, GenerateResponse, GenerationUsage, TokenLogprob } from "./GenerateResponse.js"
export { BYTE_OF_CHAR, pieceBytes } from "./gpt2Bytes.js"
export { NONCE_HEADER, REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./headers.js"
export { readServerSentEvents, type ServerSentEvent } from "./readServerSentEvents.js"
export { ReplayGuard, type ReplayVerdict } from "./ReplayGuard.js"
export { EVENT_STREAM_HEADERS, EVENT_STREAM_TYPE, formatEvent, KEEP_ALIVE_COMMENT } from "./serverSentEvents.js"
export { type RequestToSign, type SignatureHeaders, signRequest } from "./signRequest.js"
export { StepFrame } from "./StepFrame.js"
export {
  createSignatureVerifier,
  MAX_SKEW_MS,
  type ReceivedRequest,
  type Rejection,
  REPLAY_MEMORY_CAPACITY,
  type SignatureVerifier,
  type Verification,
} from "./verifySignedRequest.js"
export { decodeWorkerEvent, WorkerEvent } from "./WorkerEvent.js"
