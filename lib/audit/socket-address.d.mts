import type { IncomingMessage } from "node:http";
export declare const SOCKET_ADDRESS_HEADER: "x-pystol-socket-address";
export declare function stampSocketAddress(req: IncomingMessage): void;
export declare function readSocketAddress(value: string | null | undefined): string | null;
