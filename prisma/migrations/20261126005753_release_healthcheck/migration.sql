-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "healthcheck" JSONB;

-- Until now the builder also copied each pushed commit's app.json checks onto the app, where they
-- now mean an operator's override. Where the app's checks are not the ones last saved through the
-- API (its latest "app.settings" event naming them), they came from app.json: they move onto the
-- app's releases built from code, which are checked exactly as before, and later pushes bring their own.
WITH "fromAppJson" AS (
  UPDATE "App" a SET "healthcheck" = NULL
  FROM "App" old
  WHERE old."id" = a."id"
    AND old."healthcheck" IS NOT NULL
    AND old."healthcheck" IS DISTINCT FROM (
      SELECT e."data"->'healthcheck' FROM "Event" e
      WHERE e."appId" = old."id" AND e."action" = 'app.settings' AND e."data"->'healthcheck' IS NOT NULL
      ORDER BY e."createdAt" DESC LIMIT 1
    )
  RETURNING a."id", old."healthcheck"
)
UPDATE "Release" r SET "healthcheck" = f."healthcheck"
FROM "fromAppJson" f
WHERE r."appId" = f."id" AND r."image" IS NOT NULL;
