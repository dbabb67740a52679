// The part of the contract the browser playground uses (bundled to apps/edge/public/vendor/wire.js).
export { BYTE_OF_CHAR } from "./gpt2Bytes.js"
export { readServerSentEvents, type ServerSentEvent } from "./readServerSentEvents.js"
export { EVENT_STREAM_TYPE } from "./serverSentEvents.js"
