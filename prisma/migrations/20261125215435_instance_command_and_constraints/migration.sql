-- AlterTable
ALTER TABLE "Formation" ADD COLUMN     "constraints" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "command" TEXT,
ADD COLUMN     "lastError" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Node_credentialHash_key" ON "Node"("credentialHash");
