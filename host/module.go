// Module: one compiled version of a guest, its kind, and how an instance of
// it is created and checked.

package host

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/phase"
)

// moduleKind says how a module is called (spec/abi.md §1).
type moduleKind string

const (
	reactor moduleKind = "reactor" // exports sandkit_handle; pooled
	command moduleKind = "command" // exports _start; one instance per request (CGI)
)

// Module is one compiled version of a guest module.
type Module struct {
	name     string // where it came from, for errors and logs
	version  string // first 12 hex digits of the sha256 of its bytes
	size     int
	kind     moduleKind
	compiled wazero.CompiledModule
	shared   *sharedModule // whose compiled code it is
	sb       *sandbox
	pool     *pool     // reactors only
	iso      *isolated // reactors under isolation = "request" only
}

// Name is where the module came from, such as routes/hello/handler.wasm.
func (m *Module) Name() string { return m.name }

// Version identifies the module's bytes: a prefix of their sha256.
func (m *Module) Version() string { return m.version }

func (m *Module) classify() error {
	for _, f := range m.compiled.ImportedFunctions() {
		mod, name, _ := f.Import()
		if !allowedImports[mod] && mod != fuelImportModule {
			return fmt.Errorf("imports %s.%s: a guest may import only from %q and %q (spec/abi.md §1)",
				mod, name, abi.ModuleName, "wasi_snapshot_preview1")
		}
	}
	exports := m.compiled.ExportedFunctions()
	if h, ok := exports[abi.ExportHandle]; ok {
		if !sig(h, []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}) {
			return fmt.Errorf("export %s must be (i32) -> i32 (spec/abi.md §2)", abi.ExportHandle)
		}
		v, ok := exports[abi.ExportVersion]
		if !ok {
			return fmt.Errorf("reactor does not export %s (spec/abi.md §2)", abi.ExportVersion)
		}
		if !sig(v, nil, []api.ValueType{api.ValueTypeI32}) {
			return fmt.Errorf("export %s must be () -> i32 (spec/abi.md §2)", abi.ExportVersion)
		}
		if a, ok := exports[abi.ExportAlloc]; !ok || !sig(a, []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}) {
			return fmt.Errorf("reactor must export %s as (i32) -> i32 (spec/abi.md §2)", abi.ExportAlloc)
		}
		if err := m.checkMemory(); err != nil {
			return err
		}
		m.kind = reactor
		return nil
	}
	if _, ok := exports[abi.ExportStart]; ok {
		if err := m.checkMemory(); err != nil {
			return err
		}
		m.kind = command
		return nil
	}
	return fmt.Errorf("exports neither %s (reactor) nor %s (command); see spec/abi.md §1", abi.ExportHandle, abi.ExportStart)
}

// checkMemory requires the one memory a guest defines, exported as "memory".
func (m *Module) checkMemory() error {
	if len(m.compiled.ImportedMemories()) > 0 {
		return fmt.Errorf("imports its memory; a guest must define its memory and export it as %q (spec/abi.md §1)", "memory")
	}
	if _, ok := m.compiled.ExportedMemories()["memory"]; !ok {
		return fmt.Errorf("does not export its memory as %q (spec/abi.md §1)", "memory")
	}
	return nil
}

func sig(f api.FunctionDefinition, params, results []api.ValueType) bool {
	return string(f.ParamTypes()) == string(params) && string(f.ResultTypes()) == string(results)
}

// instance is one live reactor instance.
type instance struct {
	m      *Module
	mod    api.Module
	handle api.Function
	pages  uint32 // memory size right after initialisation
	uses   int
	stack  [1]uint64
	idle   time.Time  // when it was last returned to its pool
	out    *logWriter // its stdout and stderr
}

// moduleConfig is the configuration every guest instance gets: no files, no
// sockets, no arguments, real clocks, crypto randomness, and no real sleep.
// Its environment is reactorConfig's or the CGI one's (runCommand).
func (m *Module) moduleConfig(out *logWriter) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions().
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(out).
		WithStderr(out)
}

// reactorConfig is a reactor instance's configuration: moduleConfig and
// one environment variable, the app's database engine (spec/abi.md §9), so
// that a guest can pick its SQL dialect as it initialises. (A command
// guest gets it among its CGI variables, from the app's guestEnv.)
func (m *Module) reactorConfig(out *logWriter) wazero.ModuleConfig {
	return m.moduleConfig(out).WithEnv(abi.EnvDatabaseEngine, m.sb.env[abi.EnvDatabaseEngine])
}

// logWriter is a new writer for an instance's stdout and stderr.
func (m *Module) logWriter() *logWriter {
	return &logWriter{log: m.sb.log, module: m.name, version: m.version}
}

// newInstance creates and initialises a reactor instance and checks its ABI
// version; under request isolation it restores one from the restore point
// instead. ctx bounds the guest's initialisation.
func (m *Module) newInstance(ctx context.Context) (*instance, error) {
	if m.iso != nil {
		return m.restore(ctx)
	}
	ctx = experimental.WithMemoryAllocator(ctx, memoryAllocator())
	out := m.logWriter()
	end := phase.Start(ctx, "instance.instantiate")
	mod, err := m.sb.instantiate(ctx, m, m.reactorConfig(out))
	end()
	if err != nil {
		if mod != nil {
			m.sb.closeInstance(m, mod)
		}
		return nil, fmt.Errorf("%s: instantiate: %w", m.name, err)
	}
	inst := &instance{m: m, mod: mod, handle: mod.ExportedFunction(abi.ExportHandle), out: out}
	if err := m.initialize(ctx, inst); err != nil {
		inst.close()
		return nil, err
	}
	if mem := mod.Memory(); mem != nil {
		inst.pages = mem.Size() / 65536
	}
	m.sb.log.Debug("instance created", "module", m.name, "version", m.version)
	return inst, nil
}

// initialize runs the guest's initialisation (_initialize, if exported) and
// checks its ABI version.
func (m *Module) initialize(ctx context.Context, inst *instance) error {
	ctx = withLogger(ctx, m.sb.log.With("module", m.name, "version", m.version))
	if init := inst.mod.ExportedFunction(abi.ExportInitialize); init != nil {
		end := phase.Start(ctx, "instance.initialize")
		_, err := init.Call(ctx)
		end()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", m.name, abi.ExportInitialize, err)
		}
	}
	res, err := inst.mod.ExportedFunction(abi.ExportVersion).Call(ctx)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", m.name, abi.ExportVersion, err)
	}
	if v := int32(res[0]); v != abi.Version {
		return fmt.Errorf("%s: ABI version %d, this host supports %d (spec/abi.md §8)", m.name, v, abi.Version)
	}
	return nil
}

func (i *instance) close() { i.m.sb.closeInstance(i.m, i.mod) }

// memoryPages is the instance's current memory size in pages.
func (i *instance) memoryPages() uint32 {
	if mem := i.mod.Memory(); mem != nil {
		return mem.Size() / 65536
	}
	return 0
}

var errClosed = errors.New("module version retired")
