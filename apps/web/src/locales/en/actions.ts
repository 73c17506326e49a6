// Corrective actions QA addressed to the person signed in.
export default {
  title: 'Corrective actions for you',
  none: 'No corrective action is addressed to you.',
  ticket: 'ticket {{ticket}}',
  requiredBy: 'Required by {{who}} on {{when}}',
  due: 'due {{when}}',
  doneBy: 'Done on {{when}}: {{note}}',
  verifiedEffective: 'QA verified it on {{when}}: effective.',
  reopened: 'QA opened it again on {{when}}: {{note}}',
  status: { open: 'to do', completed: 'done, waiting for QA', verified: 'verified' },
  markDone: 'Mark as done',
  whatWasDone: 'What you did',
  whatWasDoneHint: 'QA reads this when it checks the action.',
  submit: 'Record as done',
  cancel: 'Cancel',
  recorded: 'Recorded as done; QA will check it.',
};
