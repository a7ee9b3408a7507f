// The wasm signatures sandkit expects of the QuickJS build: the imports it
// implements and the exports it calls. They are checked against the
// compiled module at load, so a different build fails with a clear message
// instead of misbehaving. Export signatures follow the package's ffi.d.ts
// (pointers and numbers are i32 except where it says double).

package pages

import (
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/api"
)

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
	f64 = api.ValueTypeF64
)

type signature struct {
	params, results []api.ValueType
}

func sig(params []api.ValueType, results ...api.ValueType) signature {
	return signature{params: params, results: results}
}

func vt(ts ...api.ValueType) []api.ValueType { return ts }

// importSignatures: every import of the build, by its source name.
var importSignatures = map[string]signature{
	"__assert_fail":                       sig(vt(i32, i32, i32, i32)),
	"_emscripten_runtime_keepalive_clear": sig(nil),
	"_localtime_js":                       sig(vt(i64, i32)),
	"_setitimer_js":                       sig(vt(i32, f64), i32),
	"_tzset_js":                           sig(vt(i32, i32, i32, i32)),
	"abort":                               sig(nil),
	"emscripten_date_now":                 sig(nil, f64),
	"emscripten_resize_heap":              sig(vt(i32), i32),
	"environ_get":                         sig(vt(i32, i32), i32),
	"environ_sizes_get":                   sig(vt(i32, i32), i32),
	"fd_close":                            sig(vt(i32), i32),
	"fd_seek":                             sig(vt(i32, i64, i32, i32), i32),
	"fd_write":                            sig(vt(i32, i32, i32, i32), i32),
	"proc_exit":                           sig(vt(i32)),
	"qts_host_call_function":              sig(vt(i32, i32, i32, i32, i32), i32),
	"qts_host_free_host_ref":              sig(vt(i32, i32)),
	"qts_host_interrupt_handler":          sig(vt(i32), i32),
	"qts_host_load_module_source":         sig(vt(i32, i32, i32), i32),
	"qts_host_normalize_module":           sig(vt(i32, i32, i32, i32), i32),
}

// exportSignatures: the exports sandkit calls, by source name.
var exportSignatures = map[string]signature{
	"__wasm_call_ctors":                 sig(nil),
	"malloc":                            sig(vt(i32), i32),
	"free":                              sig(vt(i32)),
	"QTS_NewRuntime":                    sig(nil, i32),
	"QTS_RuntimeSetMaxStackSize":        sig(vt(i32, i32)),
	"QTS_RuntimeEnableInterruptHandler": sig(vt(i32)),
	"QTS_NewContext":                    sig(vt(i32, i32), i32),
	"QTS_Eval":                          sig(vt(i32, i32, i32, i32, i32, i32), i32),
	"QTS_ResolveException":              sig(vt(i32, i32), i32),
	"QTS_Dump":                          sig(vt(i32, i32), i32),
	"QTS_FreeCString":                   sig(vt(i32, i32)),
	"QTS_FreeValuePointer":              sig(vt(i32, i32)),
	"QTS_GetUndefined":                  sig(nil, i32),
	"QTS_NewString":                     sig(vt(i32, i32), i32),
	"QTS_GetString":                     sig(vt(i32, i32), i32),
	"QTS_Call":                          sig(vt(i32, i32, i32, i32, i32), i32),
}

func (s signature) String() string {
	name := func(ts []api.ValueType) string {
		var b strings.Builder
		for i, t := range ts {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(api.ValueTypeName(t))
		}
		return b.String()
	}
	return "(" + name(s.params) + ") -> (" + name(s.results) + ")"
}

func (s signature) matches(def api.FunctionDefinition) bool {
	return equalTypes(s.params, def.ParamTypes()) && equalTypes(s.results, def.ResultTypes())
}

func equalTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkSignatures compares the compiled module's imports and exports with
// the tables above, through the build's name map.
// Imports from modules other than module were added by WithModuleRewrite.
func checkSignatures(imports []api.FunctionDefinition, exports map[string]api.FunctionDefinition, module string, importNames, exportNames map[string]string) error {
	var problems []string
	for _, def := range imports {
		mod, minified, _ := def.Import()
		if mod != module {
			continue
		}
		src, ok := importNames[minified]
		if !ok {
			problems = append(problems, fmt.Sprintf("import %s.%s is not in names.json", mod, minified))
			continue
		}
		want, ok := importSignatures[src]
		if !ok {
			problems = append(problems, fmt.Sprintf("import %s (%s.%s) is not implemented by sandkit", src, mod, minified))
			continue
		}
		if !want.matches(def) {
			problems = append(problems, fmt.Sprintf("import %s (%s.%s) has type %s, sandkit implements %s",
				src, mod, minified, signature{def.ParamTypes(), def.ResultTypes()}, want))
		}
	}
	for src, want := range exportSignatures {
		minified, ok := exportNames[src]
		if !ok {
			problems = append(problems, fmt.Sprintf("export %s is not in names.json", src))
			continue
		}
		def, ok := exports[minified]
		if !ok {
			problems = append(problems, fmt.Sprintf("export %s (%s) is missing from the module", src, minified))
			continue
		}
		if !want.matches(def) {
			problems = append(problems, fmt.Sprintf("export %s (%s) has type %s, sandkit calls it as %s",
				src, minified, signature{def.ParamTypes(), def.ResultTypes()}, want))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("QuickJS module does not match what sandkit expects (was qjswasm regenerated from another build?):\n  %s",
			strings.Join(problems, "\n  "))
	}
	return nil
}
