import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestIdFor } from '../logging/logging.module';
import { RequestContext } from './request-context';

/** Opens the request's context with the request id shared with pino-http's log lines. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const requestId = requestIdFor(req, res);
    RequestContext.run({ requestId, ip: req.ip, userAgent: req.get('user-agent') }, next);
  }
}
