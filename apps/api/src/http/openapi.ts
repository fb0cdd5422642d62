import { z } from 'zod';
import { routeNeed, type RouteDef } from './route.ts';
import { scopesFor } from '../auth/access.ts';

/** The rules every operation follows; each operation lists the token scopes it accepts. */
const accessRules = [
  'Team roles: `viewer` reads; `member` also operates existing apps; `owner` also renames and destroys apps and manages members. Apps of other teams answer 404.',
  'API token scopes narrow the user\'s roles:',
  '- `read`: every read; config var values and add-on credentials are hidden (names only, values null).',
  '- `deploy`: what a member does to existing apps: push, config vars (values included), scale, restart, run, rollback, domains, add-ons, backups. Not: creating, renaming or destroying apps; creating teams; members; tokens; destroying add-ons, restoring backups, rotating credentials.',
  '- `global`: everything the user\'s roles allow.',
  'Secret values (config var values, add-on credentials, one-off output in logs) go only to members and owners calling with a session or a `deploy`/`global` token.',
].join('\n');

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
};

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z_]+)/g, '{$1}');

const jsonSchema = (schema: z.ZodType): unknown => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** Built from the same route declarations that express serves. */
export function openApiDocument(defs: RouteDef[], extra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of defs) {
    const path = toOpenApiPath(def.path);
    const params = [...def.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const status = String(def.status ?? (def.method === 'post' ? 201 : 200));
    paths[path] ??= {};
    paths[path][def.method] = {
      summary: def.summary,
      ...(def.auth === 'public' ? {} : { description: `API token scopes: ${scopesFor(routeNeed(def)).join(', ')}.`, 'x-token-scopes': scopesFor(routeNeed(def)) }),
      tags: [def.tag],
      security: def.auth === 'public' ? [] : [{ bearer: [] }, { session: [] }],
      parameters: [
        ...params,
        ...(def.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }] : []),
      ],
      ...(def.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(def.body) } } } } : {}),
      responses: {
        [status]: { description: status === '204' ? 'Done' : 'Success', ...(status === '204' ? {} : { content: { [def.stream ?? 'application/json']: {} } }) },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    };
  }
  for (const [path, ops] of Object.entries(extra)) paths[path] = { ...paths[path], ...ops };
  return {
    openapi: '3.1.0',
    info: { title: 'Slipway API', version: '1', description: accessRules },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (slipway tokens:create)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'slipway.sid',
          description: "The dashboard's session. Changes made with it need an X-Requested-With header and, when the browser sends them, Origin equal to the API's own origin and Sec-Fetch-Site: same-origin; otherwise 403 csrf_refused",
        },
      },
    },
    paths,
  };
}
