/**
 * Setup of the `default` test project: event filters are generated from their first event on (a
 * filter normally runs on closures for its first thousand events), so the suites test the
 * generated code; the `closures` project runs the semantic suites again without it.
 */
import { setHotAfter } from "../src/compile/codegen.js";

setHotAfter(0);
