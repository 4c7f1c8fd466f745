import { v7 } from 'uuid';

/** UUIDv7: random enough to be unguessable, time-ordered so indexes stay compact and paging follows creation. */
export function newId(): string {
  return v7();
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
