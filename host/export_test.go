package host

import "context"

// NewInstanceLoop returns a function that makes one instance of every
// reactor module of the app, as a request would (restored under
// isolation = "request", instantiated and initialised otherwise), and
// closes it: what BenchmarkRestore measures.
func NewInstanceLoop(a *App) func(context.Context) error {
	var mods []*Module
	for _, m := range a.current.Load().modules {
		if m.kind == reactor {
			mods = append(mods, m)
		}
	}
	return func(ctx context.Context) error {
		for _, m := range mods {
			inst, err := m.newInstance(ctx)
			if err != nil {
				return err
			}
			inst.close()
		}
		return nil
	}
}
