// Types of bin/process-tuning.js (plain JavaScript: the bin runs it before any TypeScript loader).
export declare const MALLOC_TUNABLES: string;
export declare const GC_FLAG: string;
export declare const GC_JS_FLAGS: string;
export declare function tunedNodeFlags(execArgv?: readonly string[]): string[];
export declare function tunedEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv | null;
export declare function runTuned(): Promise<false>;
export declare function launchEnv(): NodeJS.ProcessEnv;
