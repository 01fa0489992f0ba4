// Try it online: anonymous trials (a guest, a trial team, a private sandbox cluster with the
// demo application), their limits, conversion into a real account, expiry, and the guided
// first experiment.
// The active-trials gauge joins the registry of every process that uses trials (web and worker).
import "./metrics";

export { startTrial, trialLandingPath, TRIAL_CLUSTER_NAME, type StartedTrial } from "./start-trial";
export { convertTrial, requestKeepTrial, finishKeepTrial, ConvertTrialError } from "./convert-trial";
export { expireTrials, type ExpiryResult } from "./expire-trials";
export { deleteTrialTeam } from "./delete-trial";
export { TrialLimitError, trialRefusalMessage, type TrialRefusal } from "./errors";
export { checkTrialRuns, countActiveTrials } from "./limits";
export { trialSettings, type TrialSettings } from "./settings";
export { loadGuide, updateGuide, GUIDE_STEPS, type Guide, type GuideStep, type GuideState } from "./guide";
export { fillTrialPool, pooledClusterCount } from "./pool";
export { createTrialExperiments, TRIAL_EXPERIMENTS } from "./trial-experiments";
export { CART_POD_EXPERIMENT, ZONE_EXPERIMENT } from "./trial-experiment-names";
