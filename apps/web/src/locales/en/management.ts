// The management screens' words; see locales/README.md.
export default {};
