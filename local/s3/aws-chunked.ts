/**
 * Decoding of `Content-Encoding: aws-chunked` request bodies.
 *
 * With its default settings (requestChecksumCalculation WHEN_SUPPORTED) SDK v3 uploads a stream
 * body as `<hex size>\r\n<bytes>\r\n … 0\r\n<trailer>:<value>\r\n\r\n`, with
 * `x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`, `x-amz-decoded-content-length` and
 * `x-amz-trailer: x-amz-checksum-crc32` (see @aws-sdk/checksums flexible-checksums and
 * @smithy/core getAwsChunkedEncodingStream). This framing sits inside the HTTP chunked transfer
 * encoding, which node:http has already removed. Signed variants add `;chunk-signature=…`
 * extensions, which are skipped: the stand-in does not check signatures.
 */

/** A decoded aws-chunked body. */
export interface AwsChunkedBody {
  /** The object's bytes. */
  readonly payload: Buffer;
  /** Trailing headers, names in lower case (e.g. `x-amz-checksum-crc32`). */
  readonly trailers: ReadonlyMap<string, string>;
}

/** The body is not valid aws-chunked framing. */
export class AwsChunkedDecodeError extends Error {
  override readonly name = 'AwsChunkedDecodeError';
}

const CRLF = Buffer.from('\r\n');

/** Decodes an aws-chunked body. @throws AwsChunkedDecodeError on malformed framing. */
export function decodeAwsChunked(body: Buffer): AwsChunkedBody {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, offset);
    if (lineEnd < 0) throw new AwsChunkedDecodeError('chunk header without CRLF');
    const sizeField = body.subarray(offset, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeField)) throw new AwsChunkedDecodeError(`bad chunk size "${sizeField}"`);
    const size = Number.parseInt(sizeField, 16);
    offset = lineEnd + CRLF.length;
    if (size === 0) break;
    if (offset + size + CRLF.length > body.length)
      throw new AwsChunkedDecodeError('chunk runs past the body');
    parts.push(body.subarray(offset, offset + size));
    offset += size;
    if (!body.subarray(offset, offset + CRLF.length).equals(CRLF)) {
      throw new AwsChunkedDecodeError('chunk data not followed by CRLF');
    }
    offset += CRLF.length;
  }
  const trailers = new Map<string, string>();
  for (const line of body.subarray(offset).toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AwsChunkedDecodeError(`bad trailer line "${line.slice(0, 40)}"`);
    trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { payload: Buffer.concat(parts), trailers };
}
