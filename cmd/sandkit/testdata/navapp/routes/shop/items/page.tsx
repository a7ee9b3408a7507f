// A page below a folder that has none of its own: /shop is a 404.
export default function Items() {
  return <h1 id="items">Items</h1>;
}
