export function AuditorScreen(_props: { route: readonly string[] }) {
  return <p>Audit: under construction.</p>;
}
