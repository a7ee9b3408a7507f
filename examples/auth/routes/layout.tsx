// The root layout: the navigation around every page.
import type { ReactNode } from "react";
import { NavLink } from "sandkit/client";
import "./_lib/site.css";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <nav>
        <NavLink to="/" end>Home</NavLink>
        <NavLink to="/account">Account</NavLink>
      </nav>
      <main>{children}</main>
      <footer>sandkit auth example: sessions in the app's database, argon2id passwords, no JavaScript needed</footer>
    </div>
  );
}
