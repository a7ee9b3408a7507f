// GET /boom: a page that throws while rendering, to show error.tsx.
export default function Boom(): never {
  throw new Error("this page always fails");
}
