import { PRIVACY_EVENTS, type CommandMetadata, type EventRegistry } from '@handoff/contracts';
import { DeciderSpecification } from '@handoff/testing';
import { dataRightsDecider, type DataRightsEvent } from './data-rights.decider';

const metadata: CommandMetadata = { now: new Date('2026-12-05T02:00:00Z'), actor: { id: 'system:retention', role: 'system' }, correlationId: 'run-1', causationId: 'run-1' };
const EXPORT = '6a1f0c2e-7d3b-4e5a-9b8c-1d2e3f4a5b6c';
const spec = DeciderSpecification.for(dataRightsDecider, PRIVACY_EVENTS as unknown as EventRegistry<DataRightsEvent>);

describe('the data-rights record of a ticket', () => {
  it('records each export with its id, the customer key and the reason, however many came before', () => {
    const exported = { type: 'CustomerDataExported', data: { exportId: EXPORT, keyId: 'cust_a', reason: 'access request AR-7' } } as const;
    spec.given(exported).when({ type: 'RecordExport', data: exported.data, metadata }).then([exported]);
  });

  it('records an export of a customer already erased without a key', () => {
    spec
      .given()
      .when({ type: 'RecordExport', data: { exportId: EXPORT, reason: 'access request AR-8' }, metadata })
      .then([{ type: 'CustomerDataExported', data: { exportId: EXPORT, reason: 'access request AR-8' } }]);
  });

  it('records a retention erasure as the erasure event, with the retention basis', () => {
    spec
      .given()
      .when({ type: 'RecordRetentionErasure', data: { keyId: 'cust_a', reason: 'retention schedule: 1 year' }, metadata })
      .then([{ type: 'CustomerDataErased', data: { keyId: 'cust_a', reason: 'retention schedule: 1 year', basis: 'retention' } }]);
  });

  it('records a retention erasure once, when a second instance or a retried run asks again', () => {
    spec
      .given({ type: 'CustomerDataErased', data: { keyId: 'cust_a', reason: 'retention schedule: 1 year', basis: 'retention' } })
      .when({ type: 'RecordRetentionErasure', data: { keyId: 'cust_a', reason: 'retention schedule: 1 year' }, metadata })
      .then([]);
  });
});
