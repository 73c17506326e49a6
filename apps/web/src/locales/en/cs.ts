// The cs screens' words; see locales/README.md.
export default {};
