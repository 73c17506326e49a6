// The department screens' words; see locales/README.md.
export default {};
