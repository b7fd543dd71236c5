/** Helpers for rule authors who unit-test rule text (exported as `mini-eql/testing`). */
export {};
