// The root layout: every page is rendered inside it.
import type { ReactNode } from "react";
import { Nav } from "./_lib/Nav";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <Nav />
      <main>{children}</main>
      <footer>sandkit example</footer>
    </div>
  );
}
