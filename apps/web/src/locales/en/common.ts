// Words every screen shares: the top bar, roles, the enumerations the services send.
export default {
  loading: 'Loading…',
  skipToContent: 'Skip to content',
  screensNav: 'Screens',
  signOut: 'Sign out',
  noScreen: 'No screen for this role.',
  screens: {
    cs: 'Customer service',
    department: 'Department queue',
    management: 'Management',
    qa: 'Quality',
    auditor: 'Audit',
  },
  roles: {
    cs: 'Customer service agent',
    department_handler: 'Department handler',
    department_manager: 'Department manager',
    management: 'Management',
    qa: 'Quality inspector',
    auditor: 'Auditor',
  },
};
