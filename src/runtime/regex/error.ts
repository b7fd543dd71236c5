/** A pattern Lucene would reject, or one too complex to compile. `offset` is in UTF-16 units. */
export class LuceneRegexError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = "LuceneRegexError";
  }
}
