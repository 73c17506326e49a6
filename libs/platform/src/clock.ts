/**
 * The time as a service reads it: the one source for controllers, services and sweeps, so a test
 * (or a demo) can set the time of an HTTP request as easily as the `now` of a command.
 */
export type Clock = () => Date;

/** The Nest token of the service's clock (`@Inject(CLOCK) clock: Clock`). */
export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = () => new Date();
