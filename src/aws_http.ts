/**
 * How the AWS SDK clients reach AWS: Deno's `fetch` (which honours `HTTPS_PROXY`, `HTTP_PROXY`
 * and `NO_PROXY`), trusting `AWS_CA_BUNDLE` when set, with a time limit per request. Loaded only
 * with the SDK clients.
 *
 * @module
 */

import { FetchHttpHandler, streamCollector } from "@smithy/fetch-http-handler";

/**
 * Client settings given outright, so that an SDK client does not look them up itself: each such
 * lookup reads the environment and then the shared config files, which costs a client's first
 * call about 8 ms. The endpoint is always given (see `endpoints.ts`), so FIPS and dual-stack take
 * no part in choosing it; retries are aws-sso's own (see `rate_limiter.ts`): one attempt each.
 * Answers are read with the `fetch` handler's own collector: the SDK's default one comes from
 * `@smithy/node-http-handler`, which these clients do without (see `defer_sdk_modules.ts`).
 *
 * @returns the settings, to spread into a client's configuration
 */
export function sdkClientSettings(): {
  maxAttempts: number;
  retryMode: string;
  defaultsMode: "legacy";
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  authSchemePreference: string[];
  userAgentAppId: string;
  streamCollector: typeof streamCollector;
} {
  return {
    maxAttempts: 1,
    retryMode: "standard",
    defaultsMode: "legacy",
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    authSchemePreference: [],
    userAgentAppId: "aws-sso",
    streamCollector,
  };
}

/** How the SDK's requests are made. */
export interface HttpOptions {
  /** PEM certificates to trust besides the system's (the content of `AWS_CA_BUNDLE`). */
  caBundlePem?: string;
  /** Abort a request that takes longer (default 15 s). */
  requestTimeoutMs?: number;
}

/**
 * The SDK request handler for the given options.
 *
 * @param options CA bundle and timeout
 * @returns a `FetchHttpHandler` over Deno's `fetch`
 */
export function awsRequestHandler(options: HttpOptions): FetchHttpHandler {
  const client = options.caBundlePem
    ? Deno.createHttpClient({ caCerts: [options.caBundlePem] })
    : undefined;
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  return new FetchHttpHandler({
    requestTimeout: timeoutMs,
    customFetch: timedFetch(timeoutMs, client),
  });
}

/**
 * `fetch` with a time limit over the whole request, the body included. The handler's own limit
 * only rejects the call: the fetch stays in flight, keeping the process alive until the server
 * answers, and a body that stalls after the headers has no limit at all. An abort signal is not
 * enough either: once the SDK has taken the body, Deno may collect the `Request` and with it the
 * signal's hold on the body. So the limit also cancels the body's reader itself; its timer is
 * unref'd, so that it keeps no process alive.
 */
function timedFetch(timeoutMs: number, client: Deno.HttpClient | undefined): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const timer = setTimeout(() => {
      const err = new DOMException(
        `Request did not complete within ${timeoutMs} ms`,
        "TimeoutError",
      );
      controller.abort(err);
      reader?.cancel(err).catch(() => {});
    }, timeoutMs);
    Deno.unrefTimer(timer);
    let response: Response;
    try {
      response = await fetch(input, {
        ...init,
        signal: controller.signal,
        ...(client ? { client } : {}),
      } as RequestInit);
    } catch (err) {
      clearTimeout(timer);
      throw err;
    }
    if (!response.body) {
      clearTimeout(timer);
      return response;
    }
    const source = reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        const { done, value } = await source.read();
        if (controller.signal.aborted) {
          clearTimeout(timer);
          c.error(controller.signal.reason);
        } else if (done) {
          clearTimeout(timer);
          c.close();
        } else {
          c.enqueue(value);
        }
      },
      cancel(reason) {
        clearTimeout(timer);
        return source.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
