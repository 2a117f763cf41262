// AWS Query protocol response documents. Only text content is ever
// interpolated, and always through escapeXml.

export type Service = 'sts' | 'iam';

export const NAMESPACES: Record<Service, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

export const API_VERSIONS: Record<Service, string> = { sts: '2011-06-15', iam: '2010-05-08' };

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes markup, and writes every control character as a numeric reference:
 * XML parsers normalise literal CR/CRLF to LF (the AWS SDK's does), so a
 * credential containing one would otherwise not survive the round trip.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\u0000-\u001f\u007f]/g, (c) => ENTITIES[c] ?? `&#${c.charCodeAt(0)};`);
}

/** `<Name>escaped text</Name>` */
export const el = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;

export function resultDocument(service: Service, action: string, resultBody: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${NAMESPACES[service]}">\n` +
    `  <${action}Result>\n${resultBody}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    ${el('RequestId', requestId)}\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

export function errorDocument(
  service: Service,
  error: { type: string; code: string; message: string },
  requestId: string,
): string {
  return (
    `<ErrorResponse xmlns="${NAMESPACES[service]}">\n` +
    `  <Error>\n    ${el('Type', error.type)}\n    ${el('Code', error.code)}\n    ${el('Message', error.message)}\n  </Error>\n` +
    `  ${el('RequestId', requestId)}\n` +
    `</ErrorResponse>\n`
  );
}

/** The lines of an action's result, as they sit inside `<ActionResult>` (resultDocument). */
export const resultBody = (lines: string[]) => lines.map((l) => `    ${l}\n`).join('');

/** ISO 8601 UTC to the second, the way STS writes Expiration: 2026-11-27T11:24:24Z. */
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
