// The console's layout: a header with the way back to the tenants and out.
import type { ReactNode } from "react";
import { Link } from "sandkit/client";
import "./console.css";

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <div className="console">
      <header>
        <Link to="/console">sandkit console</Link>
        <form method="post" action="/console/logout">
          <button type="submit">Log out</button>
        </form>
      </header>
      <main>{children}</main>
    </div>
  );
}
