// A minimal server-sent-events reader over fetch, for the remote backend's event watches
// (`GET /v1/events/stream`). It resolves once the response headers arrived, which is when the
// admin API has armed its subscription, so a publish that follows cannot be missed.
import { ErrorCode, TroupeError, type CloudEvent } from '@troupe/core';

export interface SseSubscription {
  /** Stop reading and drop the connection. Idempotent. */
  close(): Promise<void>;
  /** Settles when the stream ends (closed by either side, or failed). */
  readonly ended: Promise<void>;
}

/**
 * Take the complete SSE blocks off `buffer`, call `onData` with each block's joined `data:`
 * lines (comments and other fields are skipped), and return the incomplete rest.
 */
export function parseSseBlocks(buffer: string, onData: (data: string) => void): string {
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''));
    if (data.length > 0) onData(data.join('\n'));
  }
  return rest;
}

/** Open `url` as an event stream; `onEvent` receives each parsed CloudEvent. */
export async function openEventStream(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: CloudEvent) => void,
): Promise<SseSubscription> {
  const abort = new AbortController();
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { ...headers, accept: 'text/event-stream' },
      signal: abort.signal,
    });
  } catch (err) {
    throw new TroupeError(
      ErrorCode.TransportUnavailable,
      `cannot reach ${url}: ${(err as Error).message}`,
      {
        data: { cause: (err as Error).message },
      },
    );
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    abort.abort();
    throw new TroupeError(
      ErrorCode.TransportUnavailable,
      `event stream ${url} answered ${response.status}: ${text.slice(0, 300)}`,
      {
        retryable: response.status >= 500,
        data: { status: response.status },
      },
    );
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer = parseSseBlocks(buffer + value, (data) => {
          try {
            onEvent(JSON.parse(data) as CloudEvent);
          } catch {
            // A block that is not an event (or a listener that threw) must not end the stream.
          }
        });
      }
    } catch {
      // Aborted by close(), or the connection dropped: the stream simply ends.
    }
  })();
  return {
    ended,
    async close() {
      abort.abort();
      await ended;
    },
  };
}
