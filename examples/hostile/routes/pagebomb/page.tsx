// A page whose server render allocates until memory runs out.
export default function PageBomb() {
  const hoard: string[][] = [];
  for (;;) hoard.push(new Array(1 << 16).fill("xxxxxxxx"));
  return <p>{hoard.length}</p>;
}
