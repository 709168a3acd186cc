import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The flexible checksums S3 verifies on upload (`x-amz-checksum-<algorithm>`, as a header or an
 * aws-chunked trailer). The SDK sends CRC32 by default; the others appear when a caller picks
 * `ChecksumAlgorithm`. Verifying them here means a bug in how we read a streamed body fails the
 * upload, as it would on S3, instead of silently storing the wrong bytes.
 */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
/** A flexible checksum algorithm, lower case as in its header name. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** True when `name` is a checksum algorithm this server verifies. */
export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

// Node ships CRC32 (zlib) but not the Castagnoli or NVMe polynomials: small table-driven
// versions, reflected, initial value and final XOR all ones, as AWS specifies them.
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const CRC64_NVME_POLY = 0x9a6c9329ac4bc9b5n;
const MASK_64 = 0xffffffffffffffffn;
const CRC64_NVME_TABLE = (() => {
  const table: bigint[] = [];
  for (let n = 0n; n < 256n; n += 1n) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1n ? CRC64_NVME_POLY ^ (c >> 1n) : c >> 1n;
    table.push(c);
  }
  return table;
})();

function crc32c(data: Buffer): Buffer {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out;
}

function crc64nvme(data: Buffer): Buffer {
  let crc = MASK_64;
  for (const byte of data) crc = (CRC64_NVME_TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ?? 0n) ^ (crc >> 8n);
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE((crc ^ MASK_64) & MASK_64);
  return out;
}

/** The base64 checksum of `data`, exactly as it appears in an `x-amz-checksum-*` header. */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): string {
  switch (algorithm) {
    case 'crc32': {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(data) >>> 0);
      return out.toString('base64');
    }
    case 'crc32c':
      return crc32c(data).toString('base64');
    case 'crc64nvme':
      return crc64nvme(data).toString('base64');
    case 'sha1':
      return createHash('sha1').update(data).digest('base64');
    case 'sha256':
      return createHash('sha256').update(data).digest('base64');
  }
}

/** The quoted MD5 ETag S3 gives an object uploaded in one part. */
export function md5Etag(data: Buffer): string {
  return `"${createHash('md5').update(data).digest('hex')}"`;
}
