/**
 * Services throw domain errors (never HTTP exceptions); the exception filter maps them once, at the
 * edge, to `{code: <status>, message, error: <domain code>, ...extra}`. Messages reach clients:
 * they must be safe to show and carry no PHI.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, code = 'ValidationFailed', extra?: Record<string, unknown>) {
    super(400, code, message, extra);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Please authenticate', code = 'Unauthorized', extra?: Record<string, unknown>) {
    super(401, code, message, extra);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Access Denied: You do not have sufficient permissions.', code = 'Forbidden', extra?: Record<string, unknown>) {
    super(403, code, message, extra);
  }
}

/** Also the answer for another organisation's ids: indistinguishable from a missing one. */
export class NotFoundError extends DomainError {
  constructor(message = 'Not found', code = 'NotFound', extra?: Record<string, unknown>) {
    super(404, code, message, extra);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'Conflict', extra?: Record<string, unknown>) {
    super(409, code, message, extra);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(message = 'Too many requests, please try again later.', code = 'TooManyRequests', extra?: Record<string, unknown>) {
    super(429, code, message, extra);
  }
}

/** A provider that is not configured or a dependency that is down: clear, never a hang. */
export class ServiceUnavailableError extends DomainError {
  constructor(message: string, code = 'ServiceUnavailable', extra?: Record<string, unknown>) {
    super(503, code, message, extra);
  }
}

export class NotImplementedError extends DomainError {
  constructor(message: string, code = 'NotConfigured', extra?: Record<string, unknown>) {
    super(501, code, message, extra);
  }
}
