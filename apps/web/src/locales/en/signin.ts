// The sign-in page.
export default {
  tagline: "Every handoff of a customer's ticket, on the record.",
  form: 'Sign in',
  devLegend: 'Development sign-in (local credentials)',
  role: 'Role',
  department: 'Department',
  userId: 'User id',
  userIdHint: 'a person of the department, or any id',
  tokenOr: 'Or a token issued for you',
  token: 'Token issued for you',
  submit: 'Sign in',
  failed: 'Sign-in failed.',
  withProvider: 'Sign in with your organisation account',
  providerHint: "You sign in at your organisation's identity provider; Handoff never sees your password.",
  refused: {
    unmapped: 'Your organisation account has no role in Handoff.',
    expired: 'The sign-in took too long or was not started here. Sign in again.',
    failed: 'The sign-in could not be completed.',
  },
  refusedDetail: 'Reason: {{detail}}.',
  unmappedHint: 'Ask your administrator to give your account a Handoff role (a group or a claim).',
};
