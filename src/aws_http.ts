/**
 * How the AWS SDK clients reach AWS: Deno's `fetch` (which honours `HTTPS_PROXY`, `HTTP_PROXY`
 * and `NO_PROXY`), trusting `AWS_CA_BUNDLE` when set, with a time limit per request. Loaded only
 * with the SDK clients.
 *
 * @module
 */

import { FetchHttpHandler } from "@smithy/fetch-http-handler";

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
  return new FetchHttpHandler({
    requestTimeout: options.requestTimeoutMs ?? 15_000,
    ...(client ? { requestInit: () => ({ client }) as RequestInit } : {}),
  });
}
