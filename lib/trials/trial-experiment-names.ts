// The names of the two experiments every trial finds on its demo shop (./trial-experiments.ts),
// apart from their definitions so that the guide's client component can name them.

/** Passes: checkout stays fast while cart pods are killed. */
export const CART_POD_EXPERIMENT = "checkout stays under 300 ms while a cart pod is killed";
/** Fails: checkout's stop condition trips and both faults are rolled back. */
export const ZONE_EXPERIMENT = "the shop survives losing a zone";
