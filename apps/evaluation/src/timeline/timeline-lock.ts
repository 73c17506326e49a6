/**
 * Advisory lock class for "one ticket's timeline is being changed" (two-int form: this class,
 * hash of the ticket id). The value spells "Tmln"; it only has to differ from the relay's. The
 * timeline projection holds it while it reads and rewrites a ticket's facts and day tallies; the
 * `policy=now` refresher takes it too, so that neither works from facts the other is changing.
 */
export const TIMELINE_TICKET_LOCK_CLASS = 0x546d6c6e;
