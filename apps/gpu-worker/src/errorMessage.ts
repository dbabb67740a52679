/** The message of a thrown value, for wrapping foreign errors (onnxruntime, tokenizers) in tagged ones. */
export const errorMessage = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)
