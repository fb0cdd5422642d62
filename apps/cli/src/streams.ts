import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { SlipwayCliError } from './errors.ts';

/** Readers for the API's streaming answers: server-sent events (logs, build output) and NDJSON (run). */

export interface ServerEvent {
  /** `message` for events sent without an `event:` field, as browsers name them. */
  event: string;
  data: unknown;
}

/** Parses each event's `data:` as JSON; `:` comment lines (keep-alives) are skipped by the parser. */
export async function* serverEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => ready.push(message) });
  for await (const text of decode(body)) {
    parser.feed(text);
    for (const message of ready.splice(0)) yield { event: message.event ?? 'message', data: parseRecord(message.data) };
  }
}

/** One JSON value per line; blank lines (the stream's keep-alives) are skipped. */
export async function* ndjsonRecords(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  let buffered = '';
  for await (const text of decode(body)) {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) yield parseRecord(line);
  }
  if (buffered.trim()) yield parseRecord(buffered);
}

/** UTF-8 text as it arrives; a character split across chunks is held until complete. */
async function* decode(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of body) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

function parseRecord(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SlipwayCliError(`Unexpected record in the API's stream: ${text.slice(0, 80)}`);
  }
}
