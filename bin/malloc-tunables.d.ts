// Types of bin/malloc-tunables.js (plain JavaScript: the bin runs it before any TypeScript loader).
export declare const MALLOC_TUNABLES: string;
export declare function tunedEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv | null;
export declare function runTuned(): Promise<false>;
export declare function launchEnv(): NodeJS.ProcessEnv;
