import { NavLink } from "sandkit/client";
import "./nav.css";

export function Nav() {
  return (
    <nav className="nav">
      <NavLink to="/" end>Home</NavLink>
      <NavLink to="/posts">Posts</NavLink>
      <NavLink to="/posts/new">Write</NavLink>
      <NavLink to="/docs/guide/intro">Docs</NavLink>
      <NavLink to="/about">About</NavLink>
    </nav>
  );
}
