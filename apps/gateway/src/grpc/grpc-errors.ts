import { randomUUID } from 'node:crypto';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { LoggerService } from '@nestjs/common';
import { PlatformError, grpcStatusOf } from '@powernode/contracts';

/** Trailing metadata keys that carry the stable platform error. */
export const ERROR_CODE_METADATA = 'powernode-error-code';
export const ERROR_DETAILS_METADATA = 'powernode-error-details';

export type GrpcErrorStatus = Pick<ServiceError, 'code' | 'details' | 'metadata'>;

/**
 * The gRPC transport's one error mapping: a PlatformError keeps its code (status + metadata);
 * anything else becomes INTERNAL carrying an errorId that is also logged.
 */
export function toGrpcError(error: unknown, logger: LoggerService): GrpcErrorStatus {
  if (error instanceof PlatformError) return platformStatus(error);
  const errorId = randomUUID();
  logger.error(`unhandled error ${errorId}: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined);
  return platformStatus(new PlatformError('Internal', `internal error (errorId ${errorId})`, { errorId }));
}

function platformStatus(error: PlatformError): GrpcErrorStatus {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA, error.code);
  if (error.details !== undefined) metadata.set(ERROR_DETAILS_METADATA, asciiJson(error.details));
  return { code: grpcStatusOf(error.code) as status, details: error.message, metadata };
}

/** ASCII-only JSON: non-`-bin` metadata values must be printable ASCII. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
