// The todos section: a heading around the list and each todo's page.
import type { ReactNode } from "react";

export default function TodosLayout({ children }: { children: ReactNode }) {
  return (
    <section className="todos">
      <header>
        <strong>Your todos</strong>
      </header>
      {children}
    </section>
  );
}
