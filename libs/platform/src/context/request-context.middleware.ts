import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from './request-context';

/** Opens the request's context; the request id comes from pino-http (`req.id`). */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const id = (req as Request & { id?: string | number }).id;
    const requestId = id === undefined ? '' : String(id);
    RequestContext.run({ requestId, ip: req.ip, userAgent: req.get('user-agent') }, next);
  }
}
