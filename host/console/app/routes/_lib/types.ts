// The data the console's Go handlers answer (package host/console, data.go).
export type Version = { version: string; created: string; size: number; active: boolean };
export type Tenant = {
  name: string;
  active: string;
  loaded: string;
  memory_bytes: number;
  running: number;
  queued: number;
  requests: number;
  limit_hits: number;
  versions: Version[];
};
export type Series = { requests: number[]; errors: number[]; limit_hits: number[]; p50_ms: number[]; p99_ms: number[]; memory_bytes: number[] };
export type Deploy = { app: string; version: string; outcome: string; by: string; time: string };
export type Overview = { slots: number; interval_seconds: number; tenants: { tenant: Tenant; series: Series }[]; deploys: Deploy[] };
export type TenantPage = { slots: number; interval_seconds: number; tenant: Tenant; series: Series; deploys: Deploy[] };
