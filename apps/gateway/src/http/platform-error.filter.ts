import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { PlatformError, httpStatusOf, type ErrorBody, type ErrorCode } from '@powernode/contracts';
import { toErrorBody, type Logger } from '@powernode/service-kit';
import type { Response } from 'express';

const HTTP_CODES: Record<number, ErrorCode> = { 400: 'InvalidInput', 401: 'Unauthenticated', 403: 'PermissionDenied', 404: 'NotFound', 413: 'PayloadTooLarge' };

/** The one place HTTP maps errors: PlatformError → its status; anything unknown → 500 with a logged errorId. */
@Catch()
export class PlatformErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.map(error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  }

  map(error: unknown): { status: number; body: ErrorBody } {
    if (error instanceof PlatformError) return { status: httpStatusOf(error.code), body: error.toBody() };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, body: { code: HTTP_CODES[status] ?? (status >= 500 ? 'Internal' : 'InvalidInput'), message: error.message } };
    }
    const body = toErrorBody(error);
    this.logger.error({ err: error, errorId: body.details?.errorId }, 'unhandled error');
    return { status: 500, body };
  }
}
