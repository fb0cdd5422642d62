-- Health checks move to the app.json format of Dokku (type = startup | liveness | readiness, one kind of
-- path | command | uptime | listening). Checks stored in the old dialect (type = tcp | http | uptime,
-- on apps as operator overrides and on releases from app.json) are rewritten as the same startup
-- check with the old defaults made explicit, and checks already in that format are left as they are.
-- (Written out once per table and without semicolons in comments: the migration engine splits statements at each one.)
UPDATE "App" x SET "healthcheck" = (
  SELECT jsonb_object_agg(t.key, CASE WHEN jsonb_typeof(t.value) <> 'array' THEN t.value ELSE (
    SELECT jsonb_agg(CASE WHEN c.value->>'type' IN ('tcp', 'http', 'uptime') THEN jsonb_strip_nulls(jsonb_build_object(
      'type', 'startup',
      'name', t.key || '-startup-' || c.ord,
      'scheme', 'http',
      'path', CASE WHEN c.value->>'type' = 'http' THEN COALESCE(c.value->'path', '"/"') END,
      'content', CASE WHEN c.value->>'type' = 'http' THEN c.value->'content' END,
      'listening', CASE WHEN c.value->>'type' = 'tcp' THEN 'true'::jsonb END,
      -- The old uptime check passed when the container was still up `wait` seconds after it started.
      'uptime', CASE WHEN c.value->>'type' = 'uptime' THEN to_jsonb(GREATEST(1, CEIL(COALESCE((c.value->>'wait')::numeric, 1)))::int) END,
      'attempts', COALESCE(c.value->'attempts', '5'),
      'timeout', COALESCE(c.value->'timeout', '5'),
      'wait', COALESCE(c.value->'wait', '1'),
      'initialDelay', COALESCE(c.value->'initialDelay', '0'),
      'warn', 'false'::jsonb
    )) ELSE c.value END ORDER BY c.ord)
    FROM jsonb_array_elements(t.value) WITH ORDINALITY AS c(value, ord)
  ) END)
  FROM jsonb_each(x."healthcheck") t
)
WHERE jsonb_typeof(x."healthcheck") = 'object' AND x."healthcheck"::text ~ '"type": "(tcp|http|uptime)"';
UPDATE "Release" x SET "healthcheck" = (
  SELECT jsonb_object_agg(t.key, CASE WHEN jsonb_typeof(t.value) <> 'array' THEN t.value ELSE (
    SELECT jsonb_agg(CASE WHEN c.value->>'type' IN ('tcp', 'http', 'uptime') THEN jsonb_strip_nulls(jsonb_build_object(
      'type', 'startup',
      'name', t.key || '-startup-' || c.ord,
      'scheme', 'http',
      'path', CASE WHEN c.value->>'type' = 'http' THEN COALESCE(c.value->'path', '"/"') END,
      'content', CASE WHEN c.value->>'type' = 'http' THEN c.value->'content' END,
      'listening', CASE WHEN c.value->>'type' = 'tcp' THEN 'true'::jsonb END,
      -- The old uptime check passed when the container was still up `wait` seconds after it started.
      'uptime', CASE WHEN c.value->>'type' = 'uptime' THEN to_jsonb(GREATEST(1, CEIL(COALESCE((c.value->>'wait')::numeric, 1)))::int) END,
      'attempts', COALESCE(c.value->'attempts', '5'),
      'timeout', COALESCE(c.value->'timeout', '5'),
      'wait', COALESCE(c.value->'wait', '1'),
      'initialDelay', COALESCE(c.value->'initialDelay', '0'),
      'warn', 'false'::jsonb
    )) ELSE c.value END ORDER BY c.ord)
    FROM jsonb_array_elements(t.value) WITH ORDINALITY AS c(value, ord)
  ) END)
  FROM jsonb_each(x."healthcheck") t
)
WHERE jsonb_typeof(x."healthcheck") = 'object' AND x."healthcheck"::text ~ '"type": "(tcp|http|uptime)"';
