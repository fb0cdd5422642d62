-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "memoryUsedMb" INTEGER;
