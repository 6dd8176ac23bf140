import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { serializeError } from '../logging/redaction';
import { DomainError } from './domain-error';

export interface ErrorBody {
  code: number;
  message: string;
  error?: string;
  [extra: string]: unknown;
}

const GENERIC_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Please authenticate',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request body too large',
  415: 'Unsupported media type',
  429: 'Too many requests, please try again later.',
  500: 'Internal server error',
  503: 'Service unavailable',
};

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

function messageOf(response: unknown, status: number): string {
  if (typeof response === 'string') return response;
  if (response && typeof response === 'object' && 'message' in response) {
    const message = response.message;
    if (Array.isArray(message)) return message.map(String).join(', ');
    if (typeof message === 'string') return message;
  }
  return GENERIC_MESSAGES[status] ?? 'Error';
}

/**
 * Duck-typed: under jest the ESM-only @nestjs packages can be loaded twice, so `instanceof
 * HttpException` is not reliable for exceptions created inside the framework (body parser errors).
 */
function isHttpException(value: unknown): value is HttpException {
  return (
    value instanceof HttpException ||
    (value instanceof Error &&
      typeof (value as Partial<HttpException>).getStatus === 'function' &&
      typeof (value as Partial<HttpException>).getResponse === 'function')
  );
}

/** Maps anything thrown to a status and the contract's error body; see DomainError. */
export function toErrorBody(exception: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: { ...exception.extra, code: exception.status, message: exception.message, error: exception.code },
      unexpected: false,
    };
  }
  if (isHttpException(exception)) {
    const status = exception.getStatus();
    const cause = (exception as { cause?: BodyParserError }).cause;
    let message = cause?.type === 'entity.parse.failed' ? 'Malformed JSON in request body' : messageOf(exception.getResponse(), status);
    // Nest's router says "Cannot GET /x"; the contract says "Not found".
    if (status === Number(HttpStatus.NOT_FOUND) && message.startsWith('Cannot ')) message = 'Not found';
    return { status, body: { code: status, message }, unexpected: status >= 500 };
  }
  const parserError = exception as BodyParserError | null | undefined;
  if (parserError && typeof parserError === 'object' && typeof parserError.type === 'string' && parserError.expose) {
    const status = parserError.status ?? parserError.statusCode ?? 400;
    const message =
      parserError.type === 'entity.parse.failed' ? 'Malformed JSON in request body' : (GENERIC_MESSAGES[status] ?? 'Bad request');
    return { status, body: { code: status, message }, unexpected: false };
  }
  return { status: 500, body: { code: 500, message: 'Internal server error' }, unexpected: true };
}

/**
 * The one exception filter. Unknown errors are logged with the request id (stack in the log only)
 * and answered with a generic 500 — no stack, SQL or PHI ever reaches the body.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { id?: unknown }>();
    const { status, body, unexpected } = toErrorBody(exception);
    if (unexpected) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error({
        msg: 'unhandled error',
        err: serializeError(err),
        requestId: req.id,
        method: req.method,
        path: req.path.slice(0, 200),
      });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  }
}
