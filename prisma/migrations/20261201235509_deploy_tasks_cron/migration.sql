-- CreateEnum
CREATE TYPE "PostdeployStatus" AS ENUM ('running', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "CronRunStatus" AS ENUM ('running', 'succeeded', 'failed', 'skipped');

-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "cron" JSONB,
ADD COLUMN     "postdeployCommand" TEXT,
ADD COLUMN     "postdeployFailure" TEXT,
ADD COLUMN     "postdeployStatus" "PostdeployStatus",
ADD COLUMN     "predeployCommand" TEXT,
ADD COLUMN     "predeployPassedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CronRun" (
    "id" UUID NOT NULL,
    "appId" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "job" TEXT NOT NULL,
    "slot" TIMESTAMP(3) NOT NULL,
    "status" "CronRunStatus" NOT NULL DEFAULT 'running',
    "instanceId" UUID,
    "exitCode" INTEGER,
    "failure" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "CronRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CronRun_status_idx" ON "CronRun"("status");

-- CreateIndex
CREATE UNIQUE INDEX "CronRun_appId_job_slot_key" ON "CronRun"("appId", "job", "slot");

-- AddForeignKey
ALTER TABLE "CronRun" ADD CONSTRAINT "CronRun_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CronRun" ADD CONSTRAINT "CronRun_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
