// What intake answers when a contact is recorded (`POST /v1/contacts`).
import type { Category, Priority, Resolution } from './vocabulary';

export interface RecordedContact {
  readonly ticketId: string;
  /** False when this source and external id had been recorded before: nothing new was written. */
  readonly created: boolean;
  readonly classification?: { readonly category: Category; readonly priority: Priority; readonly resolution: Resolution };
}
