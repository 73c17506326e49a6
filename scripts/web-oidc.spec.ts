import { consolesOidcSchema } from '@handoff/platform';

/* eslint-disable @typescript-eslint/no-require-imports */
const { OIDC_VARIABLES } = require('./web-oidc.js') as { OIDC_VARIABLES: string[] };
const { webOptionsFromEnv } = require('./web.js') as { webOptionsFromEnv(env: Record<string, string>): { devSignIn: boolean } };
/* eslint-enable @typescript-eslint/no-require-imports */

describe("the consoles' sign-in settings", () => {
  it('given the platform schema, when compared, then the consoles read every OIDC variable it validates', () => {
    expect([...OIDC_VARIABLES].sort()).toEqual(Object.keys(consolesOidcSchema.shape).sort());
  });

  it('given NODE_ENV=production, when read, then the development sign-in is off, and asking for it stops the server naming WEB_DEV_SIGN_IN', () => {
    expect(webOptionsFromEnv({ NODE_ENV: 'production' }).devSignIn).toBe(false);
    expect(() => webOptionsFromEnv({ NODE_ENV: 'production', WEB_DEV_SIGN_IN: 'true' })).toThrow(/WEB_DEV_SIGN_IN: development sign-in cannot be on when NODE_ENV is production/);
  });

  it('given the local defaults, when read, then the development sign-in stays on as before', () => {
    expect(webOptionsFromEnv({}).devSignIn).toBe(true);
  });
});
