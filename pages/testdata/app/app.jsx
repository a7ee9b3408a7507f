// A small React app for the pages tests: a layout with a nav and a sidebar,
// a list page of item cards, an item page, and a page of awkward text.
import { useId, Fragment } from "react";

function Nav({ url }) {
  const links = [["/", "Home"], ["/items", "Items"], ["/about", "About"]];
  return (
    <nav className="nav">
      {links.map(([href, label]) => (
        <a key={href} href={href} aria-current={url === href ? "page" : undefined}>{label}</a>
      ))}
    </nav>
  );
}

function Sidebar({ tags }) {
  const id = useId();
  return (
    <aside aria-labelledby={id}>
      <h2 id={id}>Tags</h2>
      <ul>{tags.map((t) => <li key={t}><a href={"/tags/" + encodeURIComponent(t)}>{t}</a></li>)}</ul>
    </aside>
  );
}

function Price({ cents }) {
  return <span className="price">{(cents / 100).toFixed(2)} €</span>;
}

function Card({ item }) {
  return (
    <article className={"card" + (item.featured ? " featured" : "")} data-id={item.id}>
      <header>
        <h3><a href={"/items/" + item.id}>{item.title}</a></h3>
        <Price cents={item.cents} />
      </header>
      <p>{item.body}</p>
      <footer>
        {item.tags.map((t, i) => <Fragment key={t}>{i > 0 && ", "}<em>{t}</em></Fragment>)}
        {item.stock === 0 ? <strong>sold out</strong> : <span>{item.stock} left</span>}
      </footer>
    </article>
  );
}

function List({ data }) {
  return (
    <section>
      <h1>{data.title}</h1>
      <p>{data.items.length} items, page {data.page}</p>
      <div className="grid">{data.items.map((it) => <Card key={it.id} item={it} />)}</div>
    </section>
  );
}

function Item({ params, data }) {
  return (
    <section>
      <h1>Item {params.id}</h1>
      <Card item={data.item} />
      <input type="text" defaultValue={data.item.title} readOnly />
      <textarea defaultValue={data.item.body} />
      <select defaultValue="b"><option value="a">A</option><option value="b">B</option></select>
    </section>
  );
}

function Awkward({ data }) {
  return (
    <section title={data.attr} style={{ marginTop: 4, color: "red" }}>
      <p>{data.text}</p>
      <p dangerouslySetInnerHTML={{ __html: data.html }} />
      <p>{data.emoji} {null} {false} {0} {""}</p>
      <svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" strokeWidth="1" /></svg>
    </section>
  );
}

const pages = { list: List, item: Item, awkward: Awkward };

export function App({ route, url, params, data }) {
  const Page = pages[route];
  if (!Page) throw new Error("no page for route " + route);
  return (
    <div className="layout">
      <Nav url={url} />
      <main><Page params={params} data={data} /></main>
      <Sidebar tags={data.tags || []} />
    </div>
  );
}
