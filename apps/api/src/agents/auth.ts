import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { hashToken, unauthorized } from '@slipway/core';
import type { Db } from '@slipway/db';

export interface AgentNode {
  id: string;
  name: string;
}

/** The node an authenticated agent request comes from (set by `requireNode`). */
export const nodeOf = (res: Response): AgentNode => res.locals.node as AgentNode;

/** Every agent call after registration carries its own node credential as a bearer token. */
export function requireNode(db: Db) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m) throw unauthorized('Agent calls need the node credential as a bearer token');
    const node = await db.node.findFirst({ where: { credentialHash: hashToken(m[1]!) }, select: { id: true, name: true } });
    if (!node) throw unauthorized('Unknown or revoked node credential: register the node again with a join token');
    res.locals.node = node;
    next();
  };
}

/** Constant-time comparison of the presented join token with the configured one. */
export function joinTokenMatches(presented: string, expected: string): boolean {
  if (!expected) return false; // registration is off when no join token is configured
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
