export function DepartmentScreen(_props: { route: readonly string[] }) {
  return <p>Department queue: under construction.</p>;
}
