export { appJsonSchema, parseAppJson, describeIssue, AppJsonError, type AppJson } from './app-json.ts';
export { healthcheck, healthchecks, defaultChecks, kindOf, type Healthcheck, type HealthcheckInput, type Healthchecks, type CheckKind } from './healthcheck.ts';
export { describeCheck } from './describe.ts';
export { formation, formationEntry, type FormationRequest } from './formation.ts';
export { cronJob, cronJobs, cronJobId, scheduleProblem, previousSlot, nextSlot, type CronJob } from './cron.ts';
