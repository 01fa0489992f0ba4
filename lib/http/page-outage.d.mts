import type { ServerResponse } from "node:http";
export declare function answeringOutagesAs503<T>(res: ServerResponse, handle: () => T): T;
export declare function reportPageOutage(retryAfterSeconds: number): void;
