/** A story of the valid split as the infilling bench uses it (ids without BOS). */
export interface InfillStory {
  /** Its index among the split's stories. */
  readonly index: number
  readonly ids: Int32Array
  /** Where every middle starts (a shared prefix for every middle length). */
  readonly middleStart: number
  /** Reversal: the text before the last sentence, and the last sentence, each encoded on its own. */
  readonly before: Int32Array
  readonly lastSentence: Int32Array
}
