export declare const SERVER_ACTION_BODY_LIMIT: number;
