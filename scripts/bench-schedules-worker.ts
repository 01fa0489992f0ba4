// A worker process for bench:schedules that handles only the schedules queue (no run worker),
// so what is measured is the firing: the due time recorded and its run recorded and queued.
import os from "node:os";
import { startScheduleWorker } from "@/lib/schedules/worker";

const worker = startScheduleWorker({ workerId: `${os.hostname()}:${process.pid}:bench` });
console.log("SCHEDULES_READY");
process.on("SIGTERM", () => {
  void worker.close().then(() => process.exit(0));
});
