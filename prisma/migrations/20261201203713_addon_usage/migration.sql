-- AlterTable
ALTER TABLE "Addon" ADD COLUMN     "overQuota" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "usageAt" TIMESTAMP(3),
ADD COLUMN     "usageBytes" BIGINT;
