// The root layout: the navigation around every page.
import type { ReactNode } from "react";
import { NavLink } from "sandkit/client";
import "./_lib/site.css";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <nav>
        <NavLink to="/" end>Home</NavLink>
        <NavLink to="/todos">Todos</NavLink>
      </nav>
      <main>{children}</main>
      <footer>sandkit todo example: Go handlers over SQLite, React pages rendered in the sandbox</footer>
    </div>
  );
}
