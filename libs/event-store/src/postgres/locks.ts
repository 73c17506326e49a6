/**
 * Advisory lock keys. The two-key form lives apart from single-key (bigint) locks, so an
 * application sharing the database cannot collide with these by accident.
 */
export const LOCK_CLASS = 1214344804; // "Hand"
export const MIGRATION_LOCK = 1;
/**
 * Taken by appends up to 003_append_set_based.ts; since 004 positions need no lock, and only
 * that migration takes it, to wait for appends of the old function that hold it.
 */
export const POSITION_LOCK = 2;
/** Second key: hashtext(stream_id). A hash collision only makes two streams take turns. */
export const STREAM_LOCK_CLASS = 1214344805;
