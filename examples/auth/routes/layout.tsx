// The root layout: the navigation and the flash message around every page.
// Its data comes from func Layout in handler.go.
import type { ReactNode } from "react";
import { Link, NavLink, useLayoutData } from "sandkit/client";
import type { LayoutData } from "./+types"; // generated from handler.go's type LayoutData
import { Flash, LogoutForm } from "./_lib/parts";
import "./_lib/site.css";

export default function RootLayout({ children }: { children: ReactNode }) {
  // null only when the loader failed (the error page is showing).
  const { user, flash } = useLayoutData<LayoutData | null>("") ?? { user: null, flash: "" };
  return (
    <div className="app">
      <nav>
        <NavLink to="/" end>Home</NavLink>
        <NavLink to="/account">Account</NavLink>
        <span className="spacer" />
        {user ? (
          <>
            <span className="who">{user.email}</span>
            <LogoutForm />
          </>
        ) : (
          <>
            <Link to="/login">Log in</Link>
            <Link to="/signup">Sign up</Link>
          </>
        )}
      </nav>
      <main>
        <Flash message={flash} />
        {children}
      </main>
      <footer>sandkit auth example: sessions in the app's database, argon2id passwords, no JavaScript needed</footer>
    </div>
  );
}
