-- AlterTable: readiness of each instance (app.json readiness checks), existing instances count as ready
ALTER TABLE "Instance" ADD COLUMN     "notReady" TEXT,
ADD COLUMN     "ready" BOOLEAN NOT NULL DEFAULT true;
