export { canonicalRequest, type CanonicalParts, SIGNATURE_SCHEME } from "./canonicalRequest.js"
export { NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./headers.js"
export { ReplayGuard, type ReplayVerdict } from "./ReplayGuard.js"
export { type RequestToSign, type SignatureHeaders, signRequest } from "./signRequest.js"
export {
  createSignatureVerifier,
  MAX_SKEW_MS,
  type ReceivedRequest,
  type Rejection,
  REPLAY_MEMORY_CAPACITY,
  type SignatureVerifier,
  type Verification,
} from "./verifySignedRequest.js"
export { GenerateRequest } from "./GenerateRequest.js"
