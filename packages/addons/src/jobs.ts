import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { runOperation, type BrokerDeps } from './operations.ts';
import type { Operation } from './state.ts';

export const addonsQueueName = 'addons';

export interface AddonJobData {
  addonId: string;
  operation: Operation;
}

export interface QueueOptions {
  /** The control plane's Redis (not the add-on server). */
  connection: ConnectionOptions;
  /** BullMQ key prefix; tests use their own. */
  prefix?: string;
}

export function createAddonsQueue(opts: QueueOptions): Queue<AddonJobData> {
  return new Queue<AddonJobData>(addonsQueueName, { connection: opts.connection, prefix: opts.prefix });
}

/** One job id per add-on and operation: queueing a duplicate while one is pending runs it once. */
export async function enqueueOperation(queue: Queue<AddonJobData>, data: AddonJobData, attempts: number): Promise<void> {
  await queue.add(data.operation, data, {
    jobId: `${data.operation}-${data.addonId}`,
    attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: true,
  });
}

/** The BullMQ processor: failed attempts rethrow so BullMQ retries; the last one records `failed`. */
export function addonProcessor(deps: BrokerDeps): (job: Job<AddonJobData>) => Promise<void> {
  return async (job) => {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await runOperation(deps, job.data.addonId, job.data.operation, finalAttempt);
  };
}

/** Runs add-on jobs in this process (the API's, or a dedicated broker process). */
export function startAddonWorker(deps: BrokerDeps, opts: QueueOptions & { concurrency?: number }): Worker<AddonJobData> {
  const worker = new Worker<AddonJobData>(addonsQueueName, addonProcessor(deps), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 4,
  });
  worker.on('error', (e) => deps.logger.error({ err: e.message }, 'add-on worker error'));
  return worker;
}
