// The root layout: the navbar (what it shows depends on who is signed
// in: the layout's loader, Layout in handler.go) and the footer.
import type { ReactNode } from "react";
import { Link, NavLink, useLayoutData } from "sandkit/client";
import type { LayoutData } from "./+types";
import { Avatar } from "./_lib/parts";
import "./_lib/conduit.css";

export default function RootLayout({ children }: { children: ReactNode }) {
  const data = useLayoutData<LayoutData | null>("");
  const user = data?.user;
  return (
    <>
      <nav className="navbar navbar-light">
        <div className="container">
          <Link className="navbar-brand" to="/">conduit</Link>
          <ul className="nav navbar-nav pull-xs-right">
            <li className="nav-item"><NavLink className="nav-link" to="/" end>Home</NavLink></li>
            {user ? (
              <>
                <li className="nav-item"><NavLink className="nav-link" to="/editor" end>New Article</NavLink></li>
                <li className="nav-item"><NavLink className="nav-link" to="/settings">Settings</NavLink></li>
                <li className="nav-item">
                  <NavLink className="nav-link user" to={"/profile/" + user.username} end>
                    <Avatar src={user.image} className="user-pic" /> {user.username}
                  </NavLink>
                </li>
              </>
            ) : (
              <>
                <li className="nav-item"><NavLink className="nav-link" to="/login">Sign in</NavLink></li>
                <li className="nav-item"><NavLink className="nav-link" to="/register">Sign up</NavLink></li>
              </>
            )}
          </ul>
        </div>
      </nav>
      {data?.flash ? <p className="flash container" role="status">{data.flash}</p> : null}
      {children}
      <footer>
        <div className="container">
          <Link to="/" className="logo-font">conduit</Link>
          <span className="attribution">
            An interactive learning project from <a href="https://thinkster.io">Thinkster</a>. Code &amp; design licensed under MIT.
          </span>
        </div>
      </footer>
    </>
  );
}
