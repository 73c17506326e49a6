export function ManagementScreen(_props: { route: readonly string[] }) {
  return <p>Management: under construction.</p>;
}
