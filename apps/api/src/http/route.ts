import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { unauthorized } from '@slipway/core';
import { checkScope, type Need } from '../auth/access.ts';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';
import { parse } from './validate.ts';
import { withIdempotency } from './idempotency.ts';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HandlerContext<B, Q> {
  req: Request;
  res: Response;
  deps: Deps;
  principal: Principal;
  body: B;
  query: Q;
  params: Record<string, string>;
}

/**
 * One declaration per endpoint: the same object registers the express handler
 * and describes the endpoint in /v1/openapi.json, so the document cannot drift.
 */
export interface RouteDef<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** `public` routes run without a principal (login, openapi). */
  auth?: 'user' | 'public';
  body?: B;
  query?: Q;
  /** What an API token's scopes must allow; default: `read` for GET, `operate` otherwise. */
  need?: Need;
  /** Honour the Idempotency-Key header (creates). */
  idempotent?: boolean;
  status?: number;
  /** The handler writes the response itself (streams); its content type for the OpenAPI document. */
  stream?: 'text/event-stream' | 'application/x-ndjson';
  handler: (ctx: HandlerContext<z.infer<B>, z.infer<Q>>) => Promise<unknown>;
}

/** What a route asks of an API token's scopes. */
export const routeNeed = (def: RouteDef): Need => def.need ?? (def.method === 'get' ? 'read' : 'operate');

export function route<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined>(def: RouteDef<B, Q>): RouteDef {
  return def as unknown as RouteDef;
}

export function mount(router: Router, deps: Deps, defs: RouteDef[]): void {
  for (const def of defs) {
    router[def.method](def.path, async (req: Request, res: Response) => {
      const principal = req.user as Principal | undefined;
      if (def.auth !== 'public') {
        if (!principal) throw unauthorized();
        checkScope(principal, routeNeed(def));
      }
      const run = async () => ({
        status: def.status ?? (def.method === 'post' ? 201 : 200),
        body: await def.handler({
          req,
          res,
          deps,
          principal: principal as Principal,
          body: def.body ? parse(def.body, req.body, 'body') : undefined,
          query: def.query ? parse(def.query, req.query, 'query') : undefined,
          params: req.params as Record<string, string>,
        }),
      });
      if (def.stream) {
        await run();
        return;
      }
      const result = def.idempotent && principal ? await withIdempotency(deps, req, principal, run) : await run();
      if (result.status === 204) res.status(204).end();
      else res.status(result.status).json(result.body);
    });
  }
}
