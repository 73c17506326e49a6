import type { Migration } from '../migrate';
import { streamsAndEvents } from './001_streams_and_events';
import { appendFunction } from './002_append_function';
import { appendSetBased } from './003_append_set_based';
import { positionsFromTransactionIds } from './004_positions_from_transaction_ids';
import { appendsOnly } from './005_appends_only';
import { guardOnlyWhenRefusing } from './006_guard_only_when_refusing';
import { streamHeadPreviousHash } from './007_stream_head_previous_hash';

/** In order. Never edit one that has shipped: add the next. */
export const migrations: readonly Migration[] = [streamsAndEvents, appendFunction, appendSetBased, positionsFromTransactionIds, appendsOnly, guardOnlyWhenRefusing, streamHeadPreviousHash];
