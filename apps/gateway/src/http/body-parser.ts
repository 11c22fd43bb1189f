import express, { type NextFunction, type Request, type Response } from 'express';
import type { ErrorBody } from '@powernode/contracts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** JSON bodies up to 1 MiB; parse failures and oversized bodies answer with the platform's error shape. */
export function jsonBodyParser() {
  return [
    express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }),
    (error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (!error) return next();
      const tooLarge = error.type === 'entity.too.large';
      const body: ErrorBody = tooLarge
        ? { code: 'PayloadTooLarge', message: `request body exceeds ${MAX_BODY_BYTES} bytes` }
        : { code: 'InvalidInput', message: `malformed JSON body: ${error.message ?? 'parse error'}` };
      res.status(tooLarge ? 413 : 400).json(body);
    },
  ];
}
