import type { ChecksumAlgorithm } from './checksums';

/** One stored object version, as the S3 stand-in keeps it in memory. */
export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  /** Quoted MD5 of the body, as S3 returns it for single-part uploads. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
  /** Content-Encoding as sent, without the transport-only `aws-chunked`. */
  readonly contentEncoding?: string;
  /** `x-amz-meta-*` headers, names without the prefix, lower case. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The flexible checksum the client sent and the server verified, if any. */
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; readonly value: string };
  /** Server-side encryption headers as sent (`x-amz-server-side-encryption*`), echoed back. */
  readonly encryption: Readonly<Record<string, string>>;
  /** Increasing per store; the newest write of a key has the highest. */
  readonly sequence: number;
}

/** Snapshot entry of {@link S3Store.dump}. */
export interface DumpedObject extends StoredObject {
  /** False for a version later overwritten or deleted (only listed with `includeHistory`). */
  readonly current: boolean;
}

/** Options of {@link S3Store.dump}. */
export interface DumpOptions {
  /**
   * Also list overwritten and deleted versions. The leak scanner wants these: a secret written
   * once and overwritten later still leaked (the real bucket is versioned).
   * @default false
   */
  readonly includeHistory?: boolean;
  /** Only this bucket. @default - every bucket */
  readonly bucket?: string;
}

/**
 * The in-memory object store behind the S3 stand-in: buckets of keys, plus every version ever
 * written. Single-threaded JavaScript makes each check-then-write atomic, which is exactly the
 * guarantee S3 gives conditional writes.
 */
export class S3Store {
  readonly #buckets = new Map<
    string,
    { readonly createdAt: Date; readonly objects: Map<string, StoredObject> }
  >();
  readonly #history: StoredObject[] = [];
  #sequence = 0;
  /** Sequence of the last write or delete of each `bucket\0key`. */
  readonly #changedAt = new Map<string, number>();

  /** The sequence of the newest write or delete so far (a request notes it when it arrives). */
  get sequence(): number {
    return this.#sequence;
  }

  /** The sequence of the last write or delete of a key; 0 when it never changed. */
  lastChange(bucket: string, key: string): number {
    return this.#changedAt.get(`${bucket}\0${key}`) ?? 0;
  }

  /** Creates a bucket; false when it already exists. */
  createBucket(name: string, now: Date): boolean {
    if (this.#buckets.has(name)) return false;
    this.#buckets.set(name, { createdAt: now, objects: new Map() });
    return true;
  }

  hasBucket(name: string): boolean {
    return this.#buckets.has(name);
  }

  /** Deletes an empty bucket; 'not-empty' or 'missing' otherwise. */
  deleteBucket(name: string): 'deleted' | 'not-empty' | 'missing' {
    const bucket = this.#buckets.get(name);
    if (!bucket) return 'missing';
    if (bucket.objects.size > 0) return 'not-empty';
    this.#buckets.delete(name);
    return 'deleted';
  }

  bucketNames(): string[] {
    return [...this.#buckets.keys()].sort();
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.#buckets.get(bucket)?.objects.get(key);
  }

  /** Stores a new version of a key. The bucket must exist. */
  put(object: Omit<StoredObject, 'sequence'>): StoredObject {
    const objects = this.#buckets.get(object.bucket)?.objects;
    if (!objects) throw new Error(`bucket ${object.bucket} does not exist`);
    this.#sequence += 1;
    const stored: StoredObject = { ...object, sequence: this.#sequence };
    objects.set(object.key, stored);
    this.#changedAt.set(`${object.bucket}\0${object.key}`, this.#sequence);
    this.#history.push(stored);
    return stored;
  }

  /** Removes a key (a no-op when absent, as on S3). */
  delete(bucket: string, key: string): void {
    const objects = this.#buckets.get(bucket)?.objects;
    if (!objects?.delete(key)) return;
    this.#sequence += 1;
    this.#changedAt.set(`${bucket}\0${key}`, this.#sequence);
  }

  /** The bucket's current objects sorted by key (UTF-8 binary order, like S3). */
  list(bucket: string): StoredObject[] {
    const objects = this.#buckets.get(bucket)?.objects;
    if (!objects) return [];
    return [...objects.values()].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /** Every object (and, on request, every earlier version), for inspection and leak scans. */
  dump(options: DumpOptions = {}): DumpedObject[] {
    const isCurrent = (object: StoredObject): boolean =>
      this.#buckets.get(object.bucket)?.objects.get(object.key) === object;
    const source = options.includeHistory
      ? this.#history
      : [...this.#buckets.values()].flatMap((bucket) => [...bucket.objects.values()]);
    return source
      .filter((object) => options.bucket === undefined || object.bucket === options.bucket)
      .map((object) => ({ ...object, current: isCurrent(object) }))
      .sort((a, b) => a.sequence - b.sequence);
  }
}
