export default function Boom() {
  return <h1>never shown</h1>;
}
