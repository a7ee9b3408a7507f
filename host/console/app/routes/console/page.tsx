// The tenants: their versions, memory, limit hits and the last hour's
// requests, latency and memory; the last deploys.
import { Link, useData } from "sandkit/client";
import { Chart, count, mib, ms } from "../_lib/Chart";
import { Deploys } from "../_lib/Deploys";
import type { Overview } from "../_lib/types";

export default function Tenants() {
  const data = useData<Overview>();
  const per = `${data.interval_seconds} s`;
  return (
    <>
      <title>Tenants · sandkit console</title>
      <h1>Tenants</h1>
      <table id="tenants">
        <thead>
          <tr>
            <th>app</th>
            <th>active</th>
            <th>versions</th>
            <th>loaded</th>
            <th>memory</th>
            <th>requests</th>
            <th>limit hits</th>
            <th>last hour</th>
          </tr>
        </thead>
        <tbody>
          {data.tenants.map(({ tenant: t, series: s }) => (
            <tr key={t.name} data-app={t.name}>
              <td>
                <Link to={`/console/tenants/${t.name}`}>{t.name}</Link>
              </td>
              <td>{t.active}</td>
              <td>{t.versions.length}</td>
              <td>{t.loaded || "no"}</td>
              <td>{mib(t.memory_bytes)}</td>
              <td>{t.requests}</td>
              <td>{t.limit_hits}</td>
              <td>
                <Chart label={`requests / ${per}`} values={s.requests} slots={data.slots} unit={count} />
                <Chart label="latency p99" values={s.p99_ms} slots={data.slots} unit={ms} />
                <Chart label="memory" values={s.memory_bytes} slots={data.slots} unit={mib} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Deploys</h2>
      <Deploys deploys={data.deploys} showApp={true} />
    </>
  );
}
