/**
 * Pino redaction: the safety net behind "logs carry ids, never PHI". Paths cover request
 * headers and any object logged by mistake that carries patient or credential fields.
 */
const SENSITIVE_KEYS = [
  'password',
  'newPassword',
  'confirmPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'tempToken',
  'mfaToken',
  'secret',
  'mfaSecret',
  'backupCodes',
  'verificationCode',
  'apiKey',
  'authorization',
  'email',
  'phone',
  'phoneNumber',
  'name',
  'firstName',
  'lastName',
  'preferredName',
  'dateOfBirth',
  'address',
  'notes',
  'medications',
  'conditions',
  'content',
  'transcript',
  'text',
  'summary',
  'audio',
  'payload',
  'body',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

const SECRET_QUERY_PARAMS = /([?&](?:token|access_token|refresh_token|code|email|phone|key|signature)=)[^&#]*/gi;

/** URLs are logged without token/e-mail query values (verify/reset links carry `?token=`). */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY_PARAMS, '$1[Redacted]');
}

/** Driver errors embed query parameters and row values; keep the shape, drop the data. */
function scrubMessage(message: string): string {
  return message
    .replace(/\nparams:.*$/s, '\nparams: [Redacted]')
    .replace(/params: .*$/s, 'params: [Redacted]')
    .replace(/\(([^()]*)\)=\(([^()]*)\)/g, '($1)=([Redacted])')
    .replace(/[\r\n]+/g, ' ');
}

export interface SerializedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError;
}

/** Error serializer: type, scrubbed message, code and stack; never `detail`, `parameters` or row data. */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) {
    // Errors from another realm or library fail `instanceof`; keep their name and message.
    const like = err as { name?: unknown; message?: unknown; code?: unknown } | null;
    if (like && typeof like === 'object' && typeof like.message === 'string') {
      return {
        type: typeof like.name === 'string' ? like.name : 'Error',
        message: scrubMessage(like.message),
        code: typeof like.code === 'string' ? like.code : undefined,
      };
    }
    return { type: typeof err, message: '[non-error thrown]' };
  }
  const code = (err as { code?: unknown }).code;
  // The stack's first lines repeat the (unscrubbed) message; keep only the frames.
  const stackFrames = err.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  return {
    type: err.name,
    message: scrubMessage(err.message),
    code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
    stack: stackFrames,
    cause: err.cause !== undefined && depth < 2 ? serializeError(err.cause, depth + 1) : undefined,
  };
}
