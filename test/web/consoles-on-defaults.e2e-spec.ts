import { accessRequestSuite } from './data-rights.suite';
import { attachmentsSuite } from './attachments.suite';
import { chineseAndEnglishSuite } from './i18n.suite';
import { contactApprovalsSuite } from './access-approvals.suite';
import { findingACustomerSuite } from './search.suite';
import { signingInSuite } from './sign-in.suite';
import { subRequestsSuite } from './sub-requests.suite';
import { Consoles } from './support/consoles';

/**
 * The consoles' suites that need only a system on the defaults, and read nothing the others change:
 * they share one started system and one browser. Each of them started its own before: 8–12 s of
 * start and stop a file, on two cores that the end-to-end files keep busy. A suite that needs
 * settings of its own, counts what the whole desk holds (KPIs, notifications, a queue's length) or
 * changes what every ticket is judged by (a policy) keeps a file of its own. Each suite opens its
 * own browser profiles and tickets, under names of its own; they pass in any order (tried with the
 * Chinese contact form, which types the default customer's phone, first and last).
 */
let consoles: Consoles | undefined;
beforeAll(async () => {
  consoles = await Consoles.start();
});
afterAll(async () => {
  await consoles?.stop();
});
const shared = (): Consoles => {
  if (!consoles) throw new Error('the consoles these suites share did not start');
  return consoles;
};

chineseAndEnglishSuite(shared);
signingInSuite(shared);
findingACustomerSuite(shared);
accessRequestSuite(shared);
contactApprovalsSuite(shared);
attachmentsSuite(shared);
subRequestsSuite(shared);
