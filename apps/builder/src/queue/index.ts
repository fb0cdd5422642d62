// What the API imports from the builder: queueing, cancelling and following builds, and the git push hook.
export { createBuildQueue, enqueueBuild, cancelBuild, BUILD_QUEUE, type BuildJob, type EnqueueInput } from './build-queue.ts';
export { followBuildLog, buildLogKey, type BuildLogEvent, type BuildOutcome } from './build-log.ts';
export { recordedOutcome } from './records.ts';
export { createPushHandler, type PushToBuild } from './push-handler.ts';
