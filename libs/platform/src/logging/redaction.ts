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

const SAFE_URL_VALUE = /^(?:\d{1,12}|true|false|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const URL_KEY = /^[A-Za-z][A-Za-z0-9_.[\]-]{0,39}$/;
const REDACTED = '[Redacted]';

/**
 * The URL as request logs show it (security.md L7). Paths and query strings carry whatever the
 * caller typed (a name search, a mistyped id, an unknown route), so only the matched route's fixed
 * segments, ids (UUIDs, numbers, booleans) and query keys are kept; every other value is
 * `[Redacted]`. Without a matched route only the API version segment survives. Percent-encoded
 * control characters stay encoded: nothing here can break a log line.
 */
export function loggableUrl(url: string | undefined, routePath?: string): string | undefined {
  if (url === undefined) return undefined;
  const [rawPath = '', rawQuery] = url.split('#')[0].split(/\?(.*)/s, 2);
  const template = routePath?.split('/');
  const path = rawPath
    .split('/')
    .map((segment, i) => {
      if (segment === '' || SAFE_URL_VALUE.test(segment)) return segment;
      const fixed = template?.[i];
      if (fixed !== undefined && fixed === segment && !fixed.startsWith(':')) return segment;
      if (!template && i === 1 && /^v\d+$/.test(segment)) return segment;
      return REDACTED;
    })
    .join('/');
  if (rawQuery === undefined || rawQuery === '') return path;
  const query = rawQuery
    .split('&')
    .map((pair) => {
      const [key = '', value] = pair.split(/=(.*)/s, 2);
      const safeKey = template && URL_KEY.test(key) ? key : REDACTED;
      return value === undefined ? safeKey : `${safeKey}=${SAFE_URL_VALUE.test(value) ? value : REDACTED}`;
    })
    .join('&');
  return `${path}?${query}`;
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
