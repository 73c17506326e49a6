import { withoutContactDetails } from './contact-details';

describe('withoutContactDetails', () => {
  const rest = { channel: 'hotline', subject: 'Opening hours' };

  it('given a customer block with an id, then only the id is kept', () => {
    expect(withoutContactDetails({ ...rest, customer: { customerId: 'c-1', name: 'Li Wei', phone: '13800138000', email: 'li@example.cn' } })).toEqual({
      ...rest,
      customer: { customerId: 'c-1' },
    });
  });

  it('given a customer block without an id, then the block is gone', () => {
    expect(withoutContactDetails({ ...rest, customer: { name: 'Li Wei', email: 'li@example.cn' } })).toEqual(rest);
  });

  it('given data without a customer, or not an object, then it is unchanged', () => {
    expect(withoutContactDetails({ round: 2 })).toEqual({ round: 2 });
    expect(withoutContactDetails('text')).toBe('text');
    expect(withoutContactDetails(null)).toBeNull();
    expect(withoutContactDetails([{ customer: 'x' }])).toEqual([{ customer: 'x' }]);
  });

  it('does not change the event it was given', () => {
    const data = { ...rest, customer: { name: 'Li Wei', phone: '1' } };
    withoutContactDetails(data);
    expect(data.customer).toEqual({ name: 'Li Wei', phone: '1' });
  });
});
