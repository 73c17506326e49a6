import { UpcasterRegistry } from './versioning';
import type { RecordedEvent } from './envelope';

const stored = (schemaVersion: number, data: unknown) => ({ type: 'ContactRecorded', schemaVersion, data }) as unknown as RecordedEvent;

describe('upcasting at the deserialisation boundary', () => {
  // v1 kept the customer's phone at the top level; v2 moved it under `customer`; v3 split the name.
  const registry = new UpcasterRegistry()
    .register('ContactRecorded', 1, (data) => {
      const { phone, name, ...rest } = data as { phone: string; name: string };
      return { ...rest, customer: { phone, name } };
    })
    .register('ContactRecorded', 2, (data) => {
      const value = data as { customer: { name: string; phone: string } };
      const [givenName, ...family] = value.customer.name.split(' ');
      return { ...value, customer: { ...value.customer, givenName, familyName: family.join(' ') } };
    });

  it('reads a v1 event as the current shape', () => {
    const event = registry.upcast(stored(1, { subject: 'late parcel', phone: '13800000000', name: 'Li Lei' }));
    expect(event.schemaVersion).toBe(3);
    expect(event.data).toEqual({ subject: 'late parcel', customer: { phone: '13800000000', name: 'Li Lei', givenName: 'Li', familyName: 'Lei' } });
  });

  it('leaves a current event as it is', () => {
    const current = stored(3, { x: 1 });
    expect(registry.upcast(current)).toBe(current);
  });

  it('refuses an event newer than the service knows', () => {
    expect(() => registry.upcast(stored(4, {}))).toThrow('newer than this service knows');
  });

  it('refuses to register the same step twice', () => {
    expect(() => registry.register('ContactRecorded', 1, (data) => data)).toThrow('registered twice');
  });
});
