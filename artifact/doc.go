// Package artifact is the deployable form of a sandkit app: one folder
// with everything the host serves (compiled handler modules, the pages'
// client assets and server bundle, the route table, migrations, public
// files and settings) and a manifest, sandkit-artifact.json, that lists
// every file with its size and SHA-256. No source is in it, and serving it
// needs neither go nor node (spec/artifact.md).
//
// The CLI's "sandkit build -o DIR" writes one with Write, naming each file
// by its place in the artifact and where to copy it from:
//
//	m, err := artifact.Write("dist", artifact.Spec{
//		App:    "blog",
//		Routes: []string{"page.tsx", "posts/[id]/handler.go"},
//		Files: map[string]string{
//			".sandkit/build/handlers.wasm": "blog/.sandkit/build/handlers.wasm",
//			"migrations/0001_init.up.sql":  "blog/migrations/0001_init.up.sql",
//		},
//	})
//
// The host opens one with Open, which checks the format version, the ABI
// version and every listed file (present, a regular file, the size and hash
// the manifest says) before anything is served, and gets its route table
// from Manifest.Table: the file names the table was scanned from, scanned
// again (routing.Scan), so an artifact is routed exactly as its app was.
//
// The paths inside an artifact are those of an app folder's build output,
// so the host reads an artifact as it reads a built app folder.
package artifact
