// The table of the last deploys, newest first.
import type { Deploy } from "./types";

export function Deploys({ deploys, showApp }: { deploys: Deploy[]; showApp: boolean }) {
  return (
    <table id="deploys">
      <thead>
        <tr>
          <th>when</th>
          {showApp ? <th>app</th> : null}
          <th>version</th>
          <th>outcome</th>
          <th>by</th>
        </tr>
      </thead>
      <tbody>
        {deploys.length === 0 ? (
          <tr>
            <td colSpan={showApp ? 5 : 4}>none since the host started</td>
          </tr>
        ) : (
          deploys.map((d, i) => (
            <tr key={i}>
              <td>{d.time.replace("T", " ").replace(/\.\d+Z$/, "Z")}</td>
              {showApp ? <td>{d.app}</td> : null}
              <td>{d.version}</td>
              <td>{d.outcome}</td>
              <td>{d.by}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
