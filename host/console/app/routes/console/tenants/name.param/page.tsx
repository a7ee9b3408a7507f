// One tenant: its charts, its versions with a form to activate any other
// (a rollback), and its deploys.
import { Form, useActionData, useData, useNavigation } from "sandkit/client";
import { Chart, count, mib, ms } from "../../../_lib/Chart";
import { Deploys } from "../../../_lib/Deploys";
import type { TenantPage } from "../../../_lib/types";

export default function Tenant() {
  const { tenant: t, series: s, deploys, slots, interval_seconds } = useData<TenantPage>();
  const nav = useNavigation();
  const result = useActionData() as { error?: { message?: string } } | undefined;
  return (
    <>
      <title>{`${t.name} · sandkit console`}</title>
      <h1>{t.name}</h1>
      <p>
        active <b id="active">{t.active}</b> · loaded {t.loaded || "no"} · {mib(t.memory_bytes)} · {t.requests} requests ·{" "}
        {t.limit_hits} limit hits
      </p>
      {result?.error ? <p className="error" id="error">{result.error.message}</p> : null}
      <Chart label={`requests / ${interval_seconds} s`} values={s.requests} slots={slots} unit={count} />
      <Chart label="5xx" values={s.errors} slots={slots} unit={count} />
      <Chart label="limit hits" values={s.limit_hits} slots={slots} unit={count} />
      <Chart label="latency p50" values={s.p50_ms} slots={slots} unit={ms} />
      <Chart label="latency p99" values={s.p99_ms} slots={slots} unit={ms} />
      <Chart label="memory" values={s.memory_bytes} slots={slots} unit={mib} />
      <h2>Versions</h2>
      <table id="versions">
        <thead>
          <tr>
            <th>version</th>
            <th>created</th>
            <th>size</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {t.versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>{v.version}</td>
              <td>{v.created.replace("T", " ").replace(/\.\d+Z$/, "Z")}</td>
              <td>{v.size} B</td>
              <td>
                {v.active ? (
                  "active"
                ) : (
                  <Form method="post">
                    <input type="hidden" name="version" value={v.version} />
                    <button type="submit" disabled={nav.state === "submitting"}>
                      Activate {v.version}
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Deploys</h2>
      <Deploys deploys={deploys} showApp={false} />
    </>
  );
}
