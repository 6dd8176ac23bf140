import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A local OpenAI REST API for text analysis, speaking the chat-completions protocol: `POST
 * /v1/chat/completions` with a Bearer key, answering a `chat.completion` object (choices[0].message
 * .content, usage, model), and OpenAI's error JSON `{error: {message, type, code}}` (401 for a bad
 * key, 400 for a body without messages). Point OPENAI_BASE_URL at `baseUrl`.
 *
 * `reply(request)` decides the assistant content (default: a neutral sentiment JSON); `failStatus`
 * makes every request fail with that status (an outage); `requests` records every call's body.
 */
export interface ChatCompletionRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string };
  [key: string]: unknown;
}

export type ChatReply = (request: ChatCompletionRequest) => string;

export const DEFAULT_ANALYSIS_REPLY = {
  overallSentiment: 'positive',
  sentimentScore: 0.6,
  confidence: 0.9,
  patientMood: 'cheerful',
  keyEmotions: ['joy'],
  concernLevel: 'low',
  satisfactionIndicators: { positive: ['enjoyed the call'], negative: [] },
  summary: 'The patient sounded cheerful.',
  recommendations: 'Keep the usual schedule.',
  callSummary: 'The patient talked about their garden and sounded cheerful.',
};

export class FakeOpenAIHttp {
  readonly requests: ChatCompletionRequest[] = [];
  reply: ChatReply = () => JSON.stringify(DEFAULT_ANALYSIS_REPLY);
  /** While set, every request answers this status with an OpenAI error body. */
  failStatus: number | undefined;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly apiKey: string,
  ) {}

  static async start(options: { apiKey?: string } = {}): Promise<FakeOpenAIHttp> {
    const holder: { fake?: FakeOpenAIHttp } = {};
    const server = createServer((req, res) => void holder.fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeOpenAIHttp(server, `http://127.0.0.1:${port}/v1`, options.apiKey ?? 'sk-test');
    return holder.fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${randomBytes(6).toString('hex')}` });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, message: string, type: string, code: string | null): void {
    this.send(res, status, { error: { message, type, param: null, code } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/chat/completions') {
      return this.error(res, 404, `Unknown request URL: ${req.method} ${req.url}`, 'invalid_request_error', 'unknown_url');
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.error(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    let body: ChatCompletionRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatCompletionRequest;
    } catch {
      return this.error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    }
    this.requests.push(body);
    if (this.failStatus)
      return this.error(res, this.failStatus, 'The server had an error while processing your request.', 'server_error', null);
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return this.error(res, 400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'missing_required_parameter');
    }
    const content = this.reply(body);
    this.send(res, 200, {
      id: `chatcmpl-${randomBytes(8).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
    });
  }
}
