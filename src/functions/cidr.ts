/** `cidrMatch(ip, block, …)`: whether an address falls in any of the literal CIDR blocks. */
import { ErrorCodes } from "../errors.js";
import { CidrError, compileCidrs } from "../runtime/ip.js";
import { argString } from "./coerce.js";
import { FunctionArgumentError, type FunctionDef } from "./types.js";

/** `cidrMatch(ip, cidr1 [, cidr…])`: null for a null address, false for a value that is not an address. */
export const cidrMatch: FunctionDef = {
  name: "cidrMatch",
  params: [
    { name: "ip", type: "ip" },
    { name: "cidr", type: "string", literal: true, variadic: true },
  ],
  returns: "boolean",
  hasInsensitiveVariant: false,
  create: (site) => {
    const blocks: string[] = [];
    for (let i = 1; i < site.constants.length; i++) {
      const c = site.constants[i];
      if (typeof c !== "string") {
        throw new FunctionArgumentError(
          i,
          ErrorCodes.INVALID_CIDR,
          "cidrMatch blocks must be string literals",
        );
      }
      blocks.push(c);
    }
    let test: (ip: string) => boolean;
    try {
      test = compileCidrs(blocks);
    } catch (e) {
      if (e instanceof CidrError)
        throw new FunctionArgumentError(e.index + 1, ErrorCodes.INVALID_CIDR, e.message);
      throw e;
    }
    return (args) => {
      const ip = args[0];
      if (ip === null || ip === undefined) return null;
      // Only strings can hold an address; a number or boolean is simply not one.
      const text = typeof ip === "string" ? ip : argString(ip, site.argTypes[0]);
      return text === null ? null : test(text);
    };
  },
};
