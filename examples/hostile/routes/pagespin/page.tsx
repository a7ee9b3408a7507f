// A page whose server render never ends: the host must stop it at the
// render deadline.
export default function PageSpin() {
  let n = 0;
  for (;;) n++;
  return <p>{n}</p>;
}
