-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "cpuShares" INTEGER,
ADD COLUMN     "memoryMb" INTEGER;
