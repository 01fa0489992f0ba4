import type { ClusterContext } from "../context";
import type { WatchHub } from "./watch";

/** What an API handler sees of one virtual cluster: its state and its watch fan-out. */
export interface ClusterHandle extends ClusterContext {
  readonly watches: WatchHub;
}
