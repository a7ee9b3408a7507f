package tenant

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("host.toml", []byte(`
base_domain = "apps.example.com"
idle_timeout = "30s"
snapshot_cache_bytes = 123

[limits]
request_timeout = "2s"
memory_pages = 256
concurrency = 3

[apps.blog]
domains = ["blog.example.org"]
env = { SECRET = "s3" }

[apps.blog.limits]
concurrency = 1
queue = -1
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseDomain != "apps.example.com" || c.IdleTimeout.Std() != 30*time.Second || c.Apps["blog"].Env["SECRET"] != "s3" || c.SnapshotCacheBytes != 123 {
		t.Errorf("decoded %+v", c)
	}
	blog, other := c.LimitsOf("blog"), c.LimitsOf("other")
	if blog.Concurrency != 1 || blog.Queue != -1 || blog.MemoryPages != 256 || blog.RequestTimeout.Std() != 2*time.Second {
		t.Errorf("blog's limits %+v", blog)
	}
	if other.Concurrency != 3 || other.Queue != DefaultConfig.Limits.Queue || other.MemoryBytes != DefaultConfig.Limits.MemoryBytes || other.BodyBytes != 0 {
		t.Errorf("other's limits %+v", other)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"base_domian = \"x.com\"\n", "host.toml:1:1: unknown key base_domian\nhint: spec/hosting.md (\"The host configuration\") lists every key (did you mean base_domain?)"},
		{"[limits]\nconcurency = 2\n", "host.toml:2:1: unknown key limits.concurency"},
		{"[apps.blog.limits]\nmemory_page = 2\n", "host.toml:2:1: unknown key apps.blog.limits.memory_page"},
		{"[apps.blog]\ndomain = [\"a.b\"]\n", "(did you mean domains?)"},
		{"[limits]\nqueue = -2\n", "host.toml:2:1: limits.queue: must be -1 (no queue) or more"},
		{"[limits]\nmemory_pages = 70000\n", "host.toml:2:1: limits.memory_pages: at most 65536"},
		{"[apps.Blog]\n", "host.toml:1:2: apps.Blog: \"Blog\" is not a tenant name"},
		{"[apps.a]\ndomains = [\"x.org\"]\n[apps.b]\ndomains = [\"x.org\"]\n", "host.toml:4:1: apps.b.domains: \"x.org\" is already tenant a's"},
		{"base_domain = \"apps.test\"\n[apps.a]\ndomains = [\"b.apps.test\"]\n", "under base_domain"},
		{"idle_timeout = \"soon\"\n", "host.toml:1:"},
		{"[apps.a]\nenv = { X = 1 }\n", "host.toml:2:"},
	} {
		_, err := ParseConfig("host.toml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v\nwant it to contain %q", c.doc, err, c.want)
		}
	}
}
