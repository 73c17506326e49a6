export function CsScreen(_props: { route: readonly string[] }) {
  return <p>Customer service: under construction.</p>;
}
