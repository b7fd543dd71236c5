/** Whether `event` matches the Kubelet rule, by the hand-written predicate in baseline.mjs. */
export declare function kubeletBaseline(event: Record<string, unknown>): boolean;
