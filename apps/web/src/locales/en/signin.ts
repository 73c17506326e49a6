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
};
