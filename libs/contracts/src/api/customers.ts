// A customer's contact details as a service shows them to a person (never as they are stored).

export interface CustomerView {
  /** `clear`: as the customer gave them; `masked`: enough to recognise; `erased`: the key is gone. */
  readonly status: 'clear' | 'masked' | 'erased';
  readonly customerId?: string;
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}
