import {
  assertNever,
  type Command,
  type CustomerDataErased,
  type CustomerDataExported,
  type CustomerDataExportedData,
  type Decider,
  type PrivacyEvent,
} from '@handoff/contracts';

/**
 * What evaluation records on a ticket's `evaluation-privacy-<ticketId>` stream: that everything
 * held about its customer went out in an export, and that the retention schedule erased them.
 */
export type RecordExport = Command<'RecordExport', CustomerDataExportedData>;
export type RecordRetentionErasure = Command<'RecordRetentionErasure', { readonly keyId: string; readonly reason: string }>;
export type DataRightsCommand = RecordExport | RecordRetentionErasure;
export type DataRightsEvent = CustomerDataExported | CustomerDataErased;

export interface DataRightsState {
  readonly erasedKeys: readonly string[];
}

export const initialDataRightsState: DataRightsState = { erasedKeys: [] };

export function decideDataRights(command: DataRightsCommand, state: DataRightsState): readonly DataRightsEvent[] {
  switch (command.type) {
    case 'RecordExport':
      return [{ type: 'CustomerDataExported', data: command.data }];
    case 'RecordRetentionErasure':
      // Two instances, or a run retried after a crash, must not record the same erasure twice.
      if (state.erasedKeys.includes(command.data.keyId)) return [];
      return [{ type: 'CustomerDataErased', data: { keyId: command.data.keyId, reason: command.data.reason, basis: 'retention' } }];
    default:
      return assertNever(command);
  }
}

export function evolveDataRights(state: DataRightsState, event: PrivacyEvent): DataRightsState {
  switch (event.type) {
    case 'CustomerDataErased':
      return { erasedKeys: [...state.erasedKeys, event.data.keyId] };
    case 'CustomerDataExported':
    case 'CustomerDetailsRead':
      return state;
    default:
      return assertNever(event);
  }
}

export const dataRightsDecider: Decider<DataRightsCommand, DataRightsEvent, DataRightsState> = {
  initialState: initialDataRightsState,
  decide: decideDataRights,
  evolve: evolveDataRights,
};
