// The auditor screens' words; see locales/README.md.
export default {};
