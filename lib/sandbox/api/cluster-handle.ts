import type { ClusterContext } from "../context";
import type { WatchHub } from "./watch";

/** What an API handler sees of one virtual cluster: its state and its watch fan-out. */
export interface ClusterHandle extends ClusterContext {
  readonly watches: WatchHub;
  /** The cluster's own token: its administrator's, and the key that signs its service account tokens. */
  readonly token: string;
}
