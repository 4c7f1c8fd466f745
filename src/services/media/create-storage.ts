import type { MediaConfig } from '../../config.ts';
import { LocalMediaStorage } from './local-storage.ts';
import { S3MediaStorage } from './s3-storage.ts';
import type { MediaStorage } from './storage.ts';

/** The driver MEDIA_DRIVER names; its owner closes it. */
export function createMediaStorage(config: MediaConfig): MediaStorage {
  return config.driver === 's3' ? new S3MediaStorage(config) : new LocalMediaStorage(config.dir);
}
