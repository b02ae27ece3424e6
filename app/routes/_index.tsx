export default function Index() {
  return <h1>Keyport</h1>;
}
