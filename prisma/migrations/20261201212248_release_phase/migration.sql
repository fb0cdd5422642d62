-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ReleaseStatus" ADD VALUE 'releasing';
ALTER TYPE "ReleaseStatus" ADD VALUE 'skipped';

-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "releaseCommand" TEXT,
ADD COLUMN     "releaseOutput" TEXT;

-- `release` is the release phase and `run` a one-off: neither is ever a formation type.
DELETE FROM "Formation" WHERE "type" IN ('release', 'run');
