export default function About() {
  return (
    <>
      <title>About · sandkit pages</title>
      <h1>About</h1>
      <p>A NAME.group folder adds no URL segment.</p>
    </>
  );
}
