// The qa screens' words; see locales/README.md.
export default {};
