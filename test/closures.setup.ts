/**
 * Setup of the `closures` test project: the semantic suites run again with code generation off, as
 * where `new Function` is not allowed, so both forms of every event filter meet the same tests.
 */
import { setCodegenDefault } from "../src/compile/codegen.js";

setCodegenDefault(false);
