/**
 * Advisory lock keys. The two-key form lives apart from single-key (bigint) locks, so an
 * application sharing the database cannot collide with these by accident.
 */
export const LOCK_CLASS = 1214344804; // "Hand"
export const MIGRATION_LOCK = 1;
/** Held for microseconds per append, never until commit: see 002_append_function.ts. */
export const POSITION_LOCK = 2;
/** Second key: hashtext(stream_id). A hash collision only makes two streams take turns. */
export const STREAM_LOCK_CLASS = 1214344805;
