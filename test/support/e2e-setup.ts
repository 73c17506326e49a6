import infrastructureSetup from '../../libs/testing/src/global-setup';

/** The e2e tests run the compiled services, so build once before any file starts them. */
export default async function e2eSetup(): Promise<void> {
  await infrastructureSetup();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await require('../../scripts/build.js').build({ quiet: true });
  // The consoles' tests drive the built single-page app.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await require('../../scripts/build-web.js').buildWeb({ quiet: true });
}
