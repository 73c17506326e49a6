export function QaScreen(_props: { route: readonly string[] }) {
  return <p>Quality: under construction.</p>;
}
